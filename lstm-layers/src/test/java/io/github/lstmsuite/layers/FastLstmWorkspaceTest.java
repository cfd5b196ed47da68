package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The lifetime of what a training forward pass keeps for the backward pass. DL4J runs each layer's
 * forward pass inside a working-memory workspace that the next layer may reuse before the backward
 * pass: nothing the backward pass reads may live there. The test makes that happen on purpose: a
 * row-major mask (so the layer must copy it) and an initial state, the forward pass inside a
 * workspace, that workspace's memory overwritten, then the backward pass — whose gradients must equal
 * those of a run where nothing was overwritten.
 */
class FastLstmWorkspaceTest {

    private static final int N_IN = 4, HIDDEN = 6, BATCH = 12, STEPS = 7;

    private static FastLstmLayer layer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new Sgd(0.1)).list()
                .layer(new FastLstm.Builder().nIn(N_IN).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(2).build())
                .build());
        net.init();
        net.initGradientsView();
        return (FastLstmLayer) net.getLayer(0);
    }

    private record Run(INDArray dW, INDArray dRW, INDArray dB, INDArray epsOut) {
    }

    private static Run forwardBackward(FastLstmLayer layer, INDArray x, INDArray mask, INDArray eps, boolean clobber) {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(8L << 20)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.clear();
        layer.setMaskArray(mask);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "FAST_LSTM_TEST_WS")) {
            layer.activate(x, true, mgr);
        }
        if (clobber) {      // what the next layer's working memory does to the same workspace
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "FAST_LSTM_TEST_WS")) {
                Nd4j.create(DataType.FLOAT, 1 << 20).assign(-3.5f);
            }
        }
        Pair<Gradient, INDArray> g = layer.backpropGradient(eps, mgr);
        return new Run(g.getFirst().getGradientFor("W").dup(), g.getFirst().getGradientFor("RW").dup(),
                g.getFirst().getGradientFor("b").dup(), g.getSecond().dup());
    }

    @Test
    void backwardReadsNothingFromTheForwardPassesWorkspace() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, N_IN, STEPS).subi(0.5f);
        INDArray eps = Nd4j.rand(DataType.FLOAT, BATCH, HIDDEN, STEPS).subi(0.5f);
        INDArray mask = Nd4j.create(DataType.FLOAT, new long[]{BATCH, STEPS}, 'c');     // row-major, as PairBatches makes
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < 1 + b % STEPS; t++) {
                mask.putScalar(b, t, 1f);
            }
        }
        FastLstmLayer layer = layer();
        Run clean = forwardBackward(layer, x, mask, eps, false);
        Run clobbered = forwardBackward(layer, x, mask, eps, true);
        assertEquals(clean.dW(), clobbered.dW(), "dW");
        assertEquals(clean.dRW(), clobbered.dRW(), "dRW");
        assertEquals(clean.dB(), clobbered.dB(), "db");
        assertEquals(clean.epsOut(), clobbered.epsOut(), "dLoss/dx");
    }
}
