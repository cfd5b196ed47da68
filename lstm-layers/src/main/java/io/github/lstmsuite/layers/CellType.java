package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;

/**
 * The recurrent cells every app accepts as {@code --cell}: the LSTM (DL4J's maths; {@code --lstm fast|dl4j}
 * picks the implementation), the GRU and JANET ({@link Gru}, {@link Janet}: written here, DL4J has
 * neither) and the Elman network (DL4J's {@code SimpleRnn}: h' = tanh(x·W + h·RW + b)).
 */
public enum CellType {
    lstm(4), gru(3), janet(2), rnn(1);

    /** Weight blocks per unit: parameters = blocks · H · (nIn + H + 1), plus H for the GRU's extra bias. */
    public final int blocks;

    CellType(int blocks) {
        this.blocks = blocks;
    }

    /**
     * A layer {@code nIn → nOut} with tanh activation; {@code dropout} (PyTorch's meaning: the probability
     * of dropping) applies to its input.
     */
    public BaseRecurrentLayer build(long nIn, long nOut, double dropout, LstmImpl impl) {
        BaseRecurrentLayer.Builder<?> b = switch (this) {
            case lstm -> new LSTM.Builder();
            case gru -> new Gru.Builder();
            case janet -> new Janet.Builder();
            case rnn -> new SimpleRnn.Builder();
        };
        b.nIn(nIn).nOut(nOut).activation(Activation.TANH);
        if (dropout > 0) {
            b.dropOut(new FastDropout(1.0 - dropout));     // DL4J: retain probability; DL4J's dropout in a Java loop
        }
        if (this == lstm) {
            return (BaseRecurrentLayer) impl.build((LSTM.Builder) b);
        }
        return (BaseRecurrentLayer) b.build();
    }

    /** How the model line names it: {@code LSTM (fast)}, {@code GRU}, {@code JANET}, {@code Elman RNN}. */
    public String label(LstmImpl impl) {
        return switch (this) {
            case lstm -> "LSTM (" + (impl == null ? LstmImpl.fast : impl) + ")";
            case gru -> "GRU";
            case janet -> "JANET";
            case rnn -> "Elman RNN";
        };
    }

    /** Parameters of one layer {@code nIn → h}. */
    public long params(long nIn, long h) {
        return blocks * h * (nIn + h + 1) + (this == gru ? h : 0);
    }

    /** The hidden size whose parameter count is closest to {@code budget} for input {@code nIn}. */
    public int hiddenForBudget(long nIn, long budget) {
        int best = 1;
        for (int h = 1; h < 4096; h++) {
            if (Math.abs(params(nIn, h) - budget) < Math.abs(params(nIn, best) - budget)) {
                best = h;
            }
        }
        return best;
    }
}
