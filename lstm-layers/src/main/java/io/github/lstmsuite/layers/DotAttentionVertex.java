package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The computation behind {@link DotAttention}: batched matrix products in ND4J, forward and backward. */
public class DotAttentionVertex extends BaseGraphVertex {
    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder().initialSize(0)
            .overallocationLimit(0.1).policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
    private INDArray memoryMask;        // [B, Tk] or null

    public DotAttentionVertex(ComputationGraph graph, String name, int index, DataType dataType) {
        super(graph, name, index, null, null, dataType);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    /** The attention weights [B, Tq, Tk] of the current inputs. */
    private INDArray weights(INDArray q, INDArray m) {
        if (memoryMask != null && (memoryMask.rank() != 2 || memoryMask.size(0) != m.size(0) || memoryMask.size(1) != m.size(2))) {
            throw new IllegalStateException("DotAttention (" + vertexName + "): the memory mask has shape "
                    + java.util.Arrays.toString(memoryMask.shape()) + " but the memory is " + java.util.Arrays.toString(m.shape())
                    + ": expected [" + m.size(0) + ", " + m.size(2) + "] (batch, memory steps)");
        }
        return weights(q, m, memoryMask);
    }

    /**
     * The attention weights {@code [B, Tq, Tk]}: softmax over k of {@code q_q · m_k / √H}, masked memory steps at 0.
     * What the vertex computes inside; an app reads them to draw which source words each output word looked at.
     *
     * @param q          queries [B, H, Tq]
     * @param m          memory [B, H, Tk]
     * @param memoryMask [B, Tk] (1 = real, 0 = padding) or {@code null}
     */
    public static INDArray weights(INDArray q, INDArray m, INDArray memoryMask) {
        double scale = 1.0 / Math.sqrt(q.size(1));
        INDArray s = Nd4j.matmul(q, m, true, false, false).muli(scale);             // [B, Tq, Tk]
        if (memoryMask != null) {
            INDArray penalty = memoryMask.castTo(s.dataType()).rsub(1.0).muli(-1e9)  // 0 where real, −1e9 where padding
                    .reshape(m.size(0), 1, m.size(2));
            s.addi(penalty.broadcast(s.shape()));
        }
        long b = s.size(0);
        long tq = s.size(1);
        long tk = s.size(2);
        INDArray rows = s.dup('c').reshape('c', b * tq, tk);
        return Transforms.softmax(rows, false).reshape('c', b, tq, tk);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ignored = scratch()) {
            INDArray q = inputs[0].dup();
            INDArray m = inputs[1].dup();
            INDArray a = weights(q, m);
            INDArray ctx = Nd4j.matmul(m, a, false, true, false);                    // [B, H, Tq]
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, ctx);
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ignored = scratch()) {
            INDArray q = inputs[0].dup();
            INDArray m = inputs[1].dup();
            INDArray e = epsilon.dup();                                                // [B, H, Tq]
            INDArray a = weights(q, m);                                                // [B, Tq, Tk]
            double scale = 1.0 / Math.sqrt(q.size(1));
            INDArray dV = Nd4j.matmul(e, a, false, false, false);                      // [B, H, Tk]
            INDArray dA = Nd4j.matmul(e, m, true, false, false);                       // [B, Tq, Tk]
            INDArray rowDot = dA.mul(a).sum(true, 2);                                  // [B, Tq, 1]
            INDArray dS = a.mul(dA.sub(rowDot.broadcast(dA.shape())));                 // softmax backward
            INDArray dq = Nd4j.matmul(m, dS, false, true, false).muli(scale);          // [B, H, Tq]
            INDArray dm = Nd4j.matmul(q, dS, false, false, false).muli(scale).addi(dV); // keys and values are one input
            return new Pair<>(new DefaultGradient(), new INDArray[] {
                    workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dq), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dm)});
        }
    }

    /**
     * The vertex's own working memory for one pass: every intermediate array of a pass lives in it and the
     * next pass reuses the same memory. (Arrays made outside any workspace are freed only when the garbage
     * collector finds their Java objects: the attention translator's training, which makes about ten such
     * arrays per batch, reached 1.15 GB resident between two collections.) Only the results leave it, copied
     * into DL4J's workspaces.
     */
    private MemoryWorkspace scratch() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, "DotAttention-" + vertexName);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("DotAttention has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        // a copy outside any workspace: the backward pass reads it after this layer's working memory may be reused
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            memoryMask = maskArrays == null || maskArrays[1] == null ? null : maskArrays[1].dup();
        }
        return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);
    }

    /**
     * Sets the memory's mask {@code [B, Tk]} (1 = real, 0 = padding) for the next pass. DL4J passes masks to a
     * vertex only from {@code setLayerMaskArrays}, which {@code rnnTimeStep} never calls: a decoder that attends
     * over padded encoder outputs step by step sets the mask here before each step (the pass clears it after).
     */
    public void setMemoryMask(INDArray mask) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            memoryMask = mask == null ? null : mask.dup();
        }
    }

    /** DL4J clears a graph's vertices after each pass: the mask goes too, so a later call without masks has none. */
    @Override
    public void clearVertex() {
        super.clearVertex();
        memoryMask = null;
    }

    @Override
    public void clear() {
        super.clear();
        memoryMask = null;
    }

    @Override
    public String toString() {
        return "DotAttentionVertex(" + vertexName + ")";
    }
}
