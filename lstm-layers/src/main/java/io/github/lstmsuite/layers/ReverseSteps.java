package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Reverses each sentence's real time steps, padding left in place: {@code [B, F, T] → [B, F, T]}, the input
 * of a bidirectional encoder's backward LSTM. With real steps {@code v₀ < v₁ < … < v_{L-1}} (from the mask
 * of the network input named {@code maskInput}), step {@code v_{L-1-k}} of the output is step {@code v_k} of
 * the input; padded steps are zero. Its own inverse, so the backward pass reverses the gradient the same way.
 * <p>
 * The same result, forward and backward, as DL4J's {@code ReverseTimeSeriesVertex}, which copies one
 * feature vector per sample and step with two ND4J ops each (≈1,500 ops for a batch of 64 twelve-word
 * sentences); this one copies them all in one pass over Java buffers ({@link ReverseStepsVertex}).
 */
public class ReverseSteps extends MaskedSteps {
    private static final long serialVersionUID = 1L;

    /** @param maskInput the network input whose mask says which steps are real; {@code null}: all are */
    public ReverseSteps(@JsonProperty("maskInput") String maskInput) {
        super(maskInput);
    }

    @Override
    public ReverseSteps clone() {
        return new ReverseSteps(getMaskInput());
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new ReverseStepsVertex(graph, name, idx, getMaskInput(), networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }
}
