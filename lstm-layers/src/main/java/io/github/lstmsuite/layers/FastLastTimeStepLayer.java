package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The layer {@link FastLastTimeStep} makes: DL4J's {@link LastTimeStepLayer}, its backward pass as described there. */
final class FastLastTimeStepLayer extends LastTimeStepLayer {

    FastLastTimeStepLayer(Layer underlying) {
        super(underlying);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (underlying instanceof FastLstmLayer fast && underlying.getMaskArray() == null
                && TimeSeriesUtils.getFormatFromRnnLayer(underlying.conf().getLayer()) == RNNFormat.NCW) {
            return fast.backpropLastStep(epsilon, workspaceMgr);          // epsilon: [B, H], the last step's
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }
}
