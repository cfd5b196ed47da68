package io.github.lstmsuite.layers;

import java.util.Objects;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;

/**
 * What {@link ReverseSteps} and {@link LastStep} share: one recurrent input, no parameters, and the name of
 * the network input whose mask says which of its steps are real.
 */
public abstract class MaskedSteps extends GraphVertex {
    private static final long serialVersionUID = 1L;
    private final String maskInput;

    /** @param maskInput the network input whose mask says which steps are real; {@code null}: all are */
    protected MaskedSteps(String maskInput) {
        this.maskInput = maskInput;
    }

    /** The network input whose mask says which steps are real ({@code null}: all are). */
    public String getMaskInput() {
        return maskInput;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(maskInput, ((MaskedSteps) o).maskInput);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), maskInput);
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
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], getOutputType(-1, inputTypes)).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + (maskInput == null ? "" : "maskInput=" + maskInput) + ")";
    }
}
