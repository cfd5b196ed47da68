package io.github.lstmsuite.layers;

/**
 * The gated recurrent unit (Cho et al. 2014; “nn.LSTM() parameters explained”), in PyTorch's {@code nn.GRU} form, blocks r, z, n:
 * <pre>
 *   r  = σ(x·W_r + b_r + h·RW_r)             reset gate
 *   z  = σ(x·W_z + b_z + h·RW_z)             update gate
 *   n  = tanh(x·W_n + b_n + r ⊙ (h·RW_n + rb)) candidate
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * Three blocks instead of the LSTM's four and no cell state: ¾ of the LSTM's parameters at the same H.
 * PyTorch's {@code b_ir + b_hr} and {@code b_iz + b_hz} are one bias each here ({@code b}); its {@code b_hn}
 * stays separate ({@code rb}) because r multiplies it.
 */
public class Gru extends GatedCell {
    public Gru() {
    }

    protected Gru(Builder b) {
        super(b);
    }

    @Override
    public int blocks() {
        return 3;
    }

    @Override
    public boolean recurrentBias() {
        return true;
    }

    /** {@code new Gru.Builder().nIn(…).nOut(…).build()}. */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
