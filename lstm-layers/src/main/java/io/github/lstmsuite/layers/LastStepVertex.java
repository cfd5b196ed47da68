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

/** The computation behind {@link LastStep}: the steps found once per forward pass, one copy each way. */
public class LastStepVertex extends MaskedStepsVertex {
    private long[] inputShape;          // [B, F, T] of the last forward pass
    private int[] lastSteps;            // per sample, the step it was read from

    public LastStepVertex(ComputationGraph graph, String name, int index, String maskInput, DataType dataType) {
        super(graph, name, index, maskInput, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];                                                        // [B, F, T]
        int batch = (int) x.size(0);
        int[][] real = StepCopy.realSteps(mask(), batch, (int) x.size(2));
        inputShape = x.shape();
        lastSteps = new int[batch];
        for (int b = 0; b < batch; b++) {
            lastSteps[b] = real[b].length == 0 ? 0 : real[b][real[b].length - 1];
        }
        int[] samples = samples(batch);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, x.dataType(), new long[] {batch, x.size(1)}, 'f'); // [B, F]
        StepCopy.copySteps(x, samples, lastSteps, out, samples, lastSteps, batch);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        int[] samples = samples(lastSteps.length);
        INDArray eps = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputShape, 'f'); // zeros
        StepCopy.copySteps(epsilon, samples, lastSteps, eps, samples, lastSteps, lastSteps.length);
        return new Pair<>(new DefaultGradient(), new INDArray[] {eps});
    }

    private static int[] samples(int batch) {
        int[] s = new int[batch];
        for (int b = 0; b < batch; b++) {
            s[b] = b;
        }
        return s;
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(null, currentMaskState);            // one vector per sample: nothing left to mask
    }
}
