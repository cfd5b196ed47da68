package io.github.lstmsuite.common.nn;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
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
public class LastStep extends GraphVertex {
    private static final long serialVersionUID = 1L;
    private final String maskInput;

    /** @param maskInput the network input whose mask says which steps are real; {@code null}: all are */
    public LastStep(@JsonProperty("maskInput") String maskInput) {
        this.maskInput = maskInput;
    }

    /** The network input whose mask says which steps are real ({@code null}: all are). */
    public String getMaskInput() {
        return maskInput;
    }

    @Override
    public LastStep clone() {
        return new LastStep(maskInput);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LastStep r && java.util.Objects.equals(maskInput, r.maskInput);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(LastStep.class, maskInput);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new LastStepVertex(graph, name, idx, maskInput, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(((InputType.InputTypeRecurrent) vertexInputs[0]).getSize());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, LastStep.class, inputTypes[0], getOutputType(-1, inputTypes)).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "LastStep(" + (maskInput == null ? "" : "maskInput=" + maskInput) + ")";
    }
}
