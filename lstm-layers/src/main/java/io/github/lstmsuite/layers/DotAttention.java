package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;

import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scaled dot-product attention (Luong et al. 2015, "dot"), as a {@code ComputationGraph} vertex with no
 * parameters. Inputs: the queries {@code [B, H, Tq]} (e.g. the decoder's steps) and the memory
 * {@code [B, H, Tk]} (e.g. the encoder's steps), which serves as keys and values; the memory's mask
 * {@code [B, Tk]} keeps padding out. Output: one context vector per query, {@code [B, H, Tq]}:
 * <pre>
 *   score[q, k] = query_q · memory_k / √H      weights = softmax over k      context_q = Σ_k weights[q, k] · memory_k
 * </pre>
 * DL4J has {@code AttentionVertex}, but in 1.0.0-M2.1 it fails inside workspaces ("leaked workspace
 * pointer") and keeps a stale mask between calls, so decoding step by step cannot use it; this one is
 * written out (forward and backward, {@link DotAttentionVertex}) and passes DL4J's gradient check.
 */
public class DotAttention extends GraphVertex {
    private static final long serialVersionUID = 1L;

    public DotAttention() {
    }

    @Override
    public DotAttention clone() {
        return new DotAttention();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DotAttention;
    }

    @Override
    public int hashCode() {
        return DotAttention.class.hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new DotAttentionVertex(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        InputType.InputTypeRecurrent q = (InputType.InputTypeRecurrent) vertexInputs[0];
        InputType.InputTypeRecurrent m = (InputType.InputTypeRecurrent) vertexInputs[1];
        return InputType.recurrent(m.getSize(), q.getTimeSeriesLength());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, DotAttention.class, inputTypes[0], out).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
