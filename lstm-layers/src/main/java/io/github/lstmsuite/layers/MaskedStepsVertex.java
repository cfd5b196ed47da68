package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What {@link ReverseStepsVertex} and {@link LastStepVertex} share: a network input's mask, no parameters. */
public abstract class MaskedStepsVertex extends BaseGraphVertex {
    private final int maskIndex;        // the network input whose mask is read; -1: none

    protected MaskedStepsVertex(ComputationGraph graph, String name, int index, String maskInput, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        if (maskInput == null) {
            maskIndex = -1;
        } else {
            maskIndex = graph.getConfiguration().getNetworkInputs().indexOf(maskInput);
            if (maskIndex < 0) {
                throw new IllegalArgumentException("mask input '" + maskInput + "' is not one of the network's inputs "
                        + graph.getConfiguration().getNetworkInputs());
            }
        }
    }

    /** The current mask {@code [B, T]} of the network input named in the configuration, or {@code null}. */
    protected INDArray mask() {
        INDArray[] masks = graph.getInputMaskArrays();
        return maskIndex < 0 || masks == null ? null : masks[maskIndex];
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameters");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + vertexName + ")";
    }
}
