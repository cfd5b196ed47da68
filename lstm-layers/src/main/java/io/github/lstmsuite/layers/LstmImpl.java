package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.layers.LSTM;

/**
 * Which implementation computes an LSTM layer. Both have the same parameters and maths, so a model
 * trained with one runs with the other; {@code fast} is the default in every app.
 */
public enum LstmImpl {
    /** {@link FastLstm}: the suite's layer (float32), several times faster on a CPU. */
    fast,
    /** DL4J's own {@link LSTM} layer. */
    dl4j;

    /** The layer {@code builder} describes, computed by this implementation. */
    public LSTM build(LSTM.Builder builder) {
        LSTM standard = builder.build();
        return this == fast ? FastLstm.of(standard) : standard;
    }
}
