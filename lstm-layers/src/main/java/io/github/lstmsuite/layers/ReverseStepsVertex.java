package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The computation behind {@link ReverseSteps}: one copy plan from the mask, one pass forward and one backward. */
public class ReverseStepsVertex extends MaskedStepsVertex {
    public ReverseStepsVertex(ComputationGraph graph, String name, int index, String maskInput, DataType dataType) {
        super(graph, name, index, maskInput, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return reverse(inputs[0], mask(), workspaceMgr, ArrayType.ACTIVATIONS);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        return new Pair<>(new DefaultGradient(),
                new INDArray[] {reverse(epsilon, mask(), workspaceMgr, ArrayType.ACTIVATION_GRAD)});
    }

    /** {@code x [B, F, T]} with each sample's real steps in reverse order, padded steps zero: a new 'f' array. */
    private static INDArray reverse(INDArray x, INDArray mask, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        int batch = (int) x.size(0);
        int[][] real = StepCopy.realSteps(mask, batch, (int) x.size(2));
        int n = 0;
        for (int[] r : real) {
            n += r.length;
        }
        int[] sample = new int[n];
        int[] from = new int[n];
        int[] to = new int[n];
        for (int b = 0, i = 0; b < batch; b++) {
            int len = real[b].length;
            for (int k = 0; k < len; k++, i++) {
                sample[i] = b;
                from[i] = real[b][k];
                to[i] = real[b][len - 1 - k];
            }
        }
        INDArray out = workspaceMgr.create(type, x.dataType(), x.shape(), 'f');     // zeros: padding stays 0
        StepCopy.copySteps(x, sample, from, out, sample, to, n);
        return out;
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);     // the mask does not change
    }
}
