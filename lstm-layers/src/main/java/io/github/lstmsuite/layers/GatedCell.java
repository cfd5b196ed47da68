package io.github.lstmsuite.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A recurrent cell DL4J lacks, as a real layer (configuration side): it trains, masks, carries state for
 * {@code rnnTimeStep} and truncated BPTT, serialises with the model, and passes DL4J's gradient checks.
 * The maths is in {@link GatedCellLayer}; the two cells are {@link Gru} and {@link Janet}.
 */
public abstract class GatedCell extends BaseRecurrentLayer {

    protected GatedCell() {
    }

    protected GatedCell(BaseRecurrentLayer.Builder<?> builder) {
        super(builder);
    }

    /** Gate blocks of width H in W, RW and b. */
    public abstract int blocks();

    /** Whether the cell has the extra recurrent bias {@code rb [H]} (the GRU's b_hn). */
    public abstract boolean recurrentBias();

    /** Adjusts the freshly initialised bias {@code b [blocks·H]} (e.g. a forget-gate bias of 1). */
    protected void initBias(INDArray b) {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerSettings.wire(new GatedCellLayer(conf, networkDataType), this, conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return GatedCellParams.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(params, params).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
