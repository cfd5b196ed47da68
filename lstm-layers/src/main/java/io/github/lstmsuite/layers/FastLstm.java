package io.github.lstmsuite.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the suite's fast LSTM layer: the same model as DL4J's {@link LSTM} (same parameters,
 * same gate order, same initialisation, same masking rules), computed by {@link FastLstmLayer}.
 *
 * <p>Because it <em>is</em> an {@code LSTM} configuration (a subclass that changes only which layer
 * implementation is instantiated), parameters, {@code Bidirectional}, {@code LastTimeStep}, JSON and
 * model zips work unchanged, and a model trained with one runs with the other. Use it exactly like
 * DL4J's builder:
 * <pre>{@code
 * LSTM lstm = new FastLstm.Builder().nIn(28).nOut(128).build();   // a FastLstm
 * LSTM same = FastLstm.of(new LSTM.Builder().nIn(28).nOut(128).build());
 * }</pre>
 *
 * <p>Limits (checked when the layer is created): float32 networks, sigmoid gates and tanh activation
 * (DL4J's defaults). Other settings fall back to nothing: they are an error, so a run never silently
 * changes speed or maths.
 *
 * <p>One setting DL4J's layer lacks: {@link #withoutInputGradient}, for a network's first layer, whose input
 * is data. PyTorch's autograd computes no gradient for an input that does not require one; DL4J computes
 * {@code dLoss/dInput} for every layer and {@code MultiLayerNetwork.fit} throws the first layer's away.
 */
public class FastLstm extends LSTM {

    /** Whether backprop computes {@code dLoss/dInput} (DL4J's behaviour, the default). */
    private boolean inputGradient = true;

    /** For JSON deserialisation. */
    public FastLstm() {
        super();
    }

    /** A {@code FastLstm} with every setting of {@code standard}. */
    public static FastLstm of(LSTM standard) {
        FastLstm f = LayerSettings.copy(standard, new FastLstm());
        f.setWeightInitFnRecurrent(standard.getWeightInitFnRecurrent());
        f.setRnnDataFormat(standard.getRnnDataFormat());
        f.setForgetGateBiasInit(standard.getForgetGateBiasInit());
        f.setGateActivationFn(standard.getGateActivationFn());
        f.setHelperAllowFallback(standard.isHelperAllowFallback());
        return f;
    }

    /**
     * {@code layer} as the first layer of a {@code MultiLayerNetwork}, reading data: when it is a
     * {@code FastLstm}, a copy whose backward pass skips {@code dLoss/dInput} (one product of every step's
     * gate gradients with the input weights, and a copy; at the MNIST model's 28 inputs and 128 units 7 % of
     * a training step by JFR) and returns {@code null} for it, as DL4J's embedding layers do. Any
     * other layer is returned as it is. Only for a layer whose input gradient nobody reads: not inside a
     * {@code Bidirectional} (it adds both directions' input gradients) nor after another layer, and
     * {@code MultiLayerNetwork.calculateGradients} then returns no input gradient.
     */
    public static org.deeplearning4j.nn.conf.layers.Layer withoutInputGradient(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (!(layer instanceof FastLstm f)) {
            return layer;
        }
        FastLstm copy = (FastLstm) f.clone();
        copy.inputGradient = false;
        return copy;
    }

    /** Whether the backward pass computes {@code dLoss/dInput} (true unless {@link #withoutInputGradient}). */
    public boolean isInputGradient() {
        return inputGradient;
    }

    /** For JSON deserialisation; see {@link #withoutInputGradient}. */
    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastLstm f && super.equals(o) && inputGradient == f.inputGradient;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputGradient);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerSettings.wire(new FastLstmLayer(conf, networkDataType), this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** DL4J's {@link LSTM.Builder}; {@link #build()} returns a {@link FastLstm}. */
    public static class Builder extends LSTM.Builder {
        private boolean inputGradient = true;

        /**
         * {@code false}: the layer reads data, its backward pass skips {@code dLoss/dInput} (see
         * {@link #withoutInputGradient}). Call it first: DL4J's setters return an {@code LSTM.Builder}.
         */
        public Builder inputGradient(boolean inputGradient) {
            this.inputGradient = inputGradient;
            return this;
        }

        @Override
        public FastLstm build() {
            FastLstm f = FastLstm.of(super.build());
            f.inputGradient = inputGradient;
            return f;
        }
    }
}
