package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Each sentence's output after its last real step: {@code [B, F, T] → [B, F]}, an encoder's summary. The
 * last real step comes from the mask of the network input named {@code maskInput} (the last non-zero
 * entry; step 0 when a row has none; step {@code T-1} without a mask). Backward, the gradient goes to that
 * step and nowhere else.
 * <p>
 * The same result, forward and backward, as DL4J's {@code LastTimeStepVertex}, which copies one vector per
 * sample with an ND4J op each (and finds the steps with three more); this one copies them in one pass over
 * Java buffers ({@link LastStepVertex}).
 */
public class LastStep extends MaskedSteps {
    private static final long serialVersionUID = 1L;

    /** @param maskInput the network input whose mask says which steps are real; {@code null}: all are */
    public LastStep(@JsonProperty("maskInput") String maskInput) {
        super(maskInput);
    }

    @Override
    public LastStep clone() {
        return new LastStep(getMaskInput());
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new LastStepVertex(graph, name, idx, getMaskInput(), networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(((InputType.InputTypeRecurrent) vertexInputs[0]).getSize());
    }
}
