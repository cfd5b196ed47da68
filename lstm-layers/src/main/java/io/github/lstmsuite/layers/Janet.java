package io.github.lstmsuite.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * JANET, the forget-gate-only LSTM of van der Westhuizen &amp; Lasenby, "The unreasonable effectiveness of
 * the forget gate" (2018), which “LSTM principles, a digest” cites as better than the standard LSTM. Blocks f, g:
 * <pre>
 *   s  = x·W_f + b_f + h·RW_f
 *   g  = tanh(x·W_g + b_g + h·RW_g)
 *   c' = σ(s) ⊙ c + (1 − σ(s − β)) ⊙ g      β = 1: the input is let in a little less than the forget gate lets go
 *   h' = c'                                   no output gate: the cell state is the output
 * </pre>
 * Two blocks: half the LSTM's parameters at the same H. The forget bias starts at 1 (remember by
 * default; the paper's chrono initialisation draws it from log U(1, T_max − 1)).
 */
public class Janet extends GatedCell {
    /** The paper's β. */
    public static final double BETA = 1.0;

    public Janet() {
    }

    protected Janet(Builder b) {
        super(b);
    }

    @Override
    public int blocks() {
        return 2;
    }

    @Override
    public boolean recurrentBias() {
        return false;
    }

    @Override
    protected void initBias(INDArray b) {
        long h = b.length() / 2;
        b.get(NDArrayIndex.interval(0, h)).assign(1.0);
    }

    /** {@code new Janet.Builder().nIn(…).nOut(…).build()}. */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Janet build() {
            return new Janet(this);
        }
    }
}
