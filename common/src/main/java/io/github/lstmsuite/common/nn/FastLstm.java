package io.github.lstmsuite.common.nn;

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
 */
public class FastLstm extends LSTM {

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

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerSettings.wire(new FastLstmLayer(conf, networkDataType), this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** DL4J's {@link LSTM.Builder}; {@link #build()} returns a {@link FastLstm}. */
    public static class Builder extends LSTM.Builder {
        @Override
        public FastLstm build() {
            return FastLstm.of(super.build());
        }
    }
}
