package io.github.lstmsuite.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The computation behind {@link MergeFeatures}: forward, a new {@code 'f'} array whose feature slices are
 * assigned from the inputs; backward, each input's gradient copied out of its slice. Inputs of other ranks
 * or merged along another axis go through DL4J's {@code MergeVertex} unchanged.
 */
public class MergeFeaturesVertex extends MergeVertex {
    private final int axis;
    /** The inputs' feature counts in the last forward pass through the copies; {@code null}: DL4J's path ran. */
    private long[] widths;

    public MergeFeaturesVertex(ComputationGraph graph, String name, int index, DataType dataType, int mergeAxis) {
        super(graph, name, index, dataType, mergeAxis);
        this.axis = mergeAxis;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("cannot do a forward pass in " + getVertexName() + ": inputs not set");
        }
        int rank = inputs[0].rank();
        widths = null;
        if (inputs.length < 2 || axis != 1 || (rank != 2 && rank != 3)) {
            return super.doForward(training, workspaceMgr);
        }
        long[] shape = inputs[0].shape().clone();
        long[] w = new long[inputs.length];
        long total = 0;
        for (int i = 0; i < inputs.length; i++) {
            long[] s = inputs[i].shape();
            if (s.length != rank || s[0] != shape[0] || (rank == 3 && s[2] != shape[2])) {
                throw new IllegalStateException("cannot merge the inputs of " + getVertexName() + ": shapes "
                        + Arrays.toString(inputs[0].shape()) + " and " + Arrays.toString(s)
                        + " differ in more than the features (dimension 1)");
            }
            w[i] = s[1];
            total += s[1];
        }
        shape[1] = total;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'f');
        long from = 0;
        for (int i = 0; i < inputs.length; i++) {
            copy(inputs[i], out, from, rank);
            from += w[i];
        }
        widths = w;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (widths == null) {
            return super.doBackward(tbptt, workspaceMgr);
        }
        if (!canDoBackward()) {
            throw new IllegalStateException("cannot do a backward pass in " + getVertexName() + ": errors not set");
        }
        int rank = epsilon.rank();
        INDArray[] out = new INDArray[widths.length];
        long from = 0;
        for (int i = 0; i < widths.length; i++) {
            long[] shape = epsilon.shape().clone();
            shape[1] = widths[i];
            out[i] = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), shape, 'f');
            INDArray part = epsilon.get(slice(rank, from, from + widths[i]));
            if (part.dataType() == DataType.FLOAT) {
                StepCopy.copyFeatures(part, out[i], 0);
            } else {
                out[i].assign(part);
            }
            from += widths[i];
        }
        return new Pair<>(null, out);
    }

    /** {@code in} into features {@code from …} of {@code out}: a Java copy for floats, else ND4J's (which casts). */
    private static void copy(INDArray in, INDArray out, long from, int rank) {
        if (in.dataType() == DataType.FLOAT && out.dataType() == DataType.FLOAT) {
            StepCopy.copyFeatures(in, out, from);
        } else {
            out.get(slice(rank, from, from + in.size(1))).assign(in);
        }
    }

    private static INDArrayIndex[] slice(int rank, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[1] = NDArrayIndex.interval(from, to);
        return idx;
    }

    @Override
    public String toString() {
        return "MergeFeaturesVertex(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\")";
    }
}
