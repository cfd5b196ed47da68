package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every {@link FastLstmTest} again with oneDNN computing the layers wherever it may ({@link DnnlLstm}: here from
 * one hidden unit and two steps instead of 256 and 32), plus which passes it takes: no mask and right padding are oneDNN's,
 * a mask with holes, a single step and a truncated backward pass shorter than the forward pass are the Java
 * kernel's — and each still matches DL4J's LSTM.
 */
class FastLstmDnnlTest extends FastLstmTest {

    @BeforeAll
    static void everyLayerThroughOneDnn() {
        assumeTrue(DnnlLstm.available(), "oneDNN does not load on this platform");
        System.setProperty("lstm.suite.dnnl.minHidden", "1");
        System.setProperty("lstm.suite.dnnl.minSteps", "2");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lstm.suite.dnnl.minHidden");
        System.clearProperty("lstm.suite.dnnl.minSteps");
    }

    private static INDArray rightPadded(int batch, int steps) {
        INDArray mask = Nd4j.zeros(DataType.FLOAT, batch, steps);
        for (int b = 0; b < batch; b++) {
            mask.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, b % (steps + 1))).assign(1);  // lengths 0 … steps
        }
        return mask;
    }

    @Test
    void oneDnnTakesUnmaskedAndRightPaddedSequencesOnly() {
        MultiLayerNetwork fast = sequenceNet(DataType.FLOAT, true, 1, BackpropType.Standard);
        FastLstmLayer layer = (FastLstmLayer) fast.getLayer(0);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray x = randomInput(9, 6, 1).castTo(DataType.FLOAT);
        layer.activate(x, false, mgr);
        assertEquals(1, layer.dnnlPasses(), "no mask");
        layer.setMaskArray(rightPadded(9, 6));
        layer.activate(x, false, mgr);
        assertEquals(2, layer.dnnlPasses(), "right padding, empty and full rows included");
        INDArray holes = Nd4j.ones(DataType.FLOAT, 9, 6);
        holes.putScalar(4, 2, 0);
        layer.setMaskArray(holes);
        layer.activate(x, false, mgr);
        INDArray leftPadded = Nd4j.ones(DataType.FLOAT, 9, 6);
        leftPadded.putScalar(3, 0, 0);
        layer.setMaskArray(leftPadded);
        layer.activate(x, false, mgr);
        layer.setMaskArray(null);
        layer.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)), mgr);
        assertEquals(2, layer.dnnlPasses(), "holes, left padding and single steps are the Java kernel's");
    }

    @Test
    void rightPaddingIncludingEmptyRowsMatchesDl4j() {
        MultiLayerNetwork ref = sequenceNet(DataType.DOUBLE, false, 2, BackpropType.Standard);
        MultiLayerNetwork fast = sequenceNet(DataType.FLOAT, true, 2, BackpropType.Standard);
        copyParams(ref, fast);
        INDArray mask = rightPadded(21, 7).castTo(DataType.DOUBLE);
        INDArray x = randomInput(21, 7, 8);
        assertClose(ref.output(x, false, mask, null), fast.output(x.castTo(DataType.FLOAT), false,
                mask.castTo(DataType.FLOAT), null), 2e-5, "output");
        compareGradients(ref, fast, new DataSet(x, randomLabels(21, 7, 9), mask, mask));
        // the state after the last step: zero for rows that end in padding, as DL4J's mask makes it
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        var refLayer = (org.deeplearning4j.nn.api.layers.RecurrentLayer) ref.getLayer(0);
        var fastLayer = (FastLstmLayer) fast.getLayer(0);
        long before = fastLayer.dnnlPasses();
        refLayer.setMaskArray(mask);
        refLayer.rnnTimeStep(x, mgr);
        fastLayer.setMaskArray(mask.castTo(DataType.FLOAT));
        fastLayer.rnnTimeStep(x.castTo(DataType.FLOAT), mgr);
        assertEquals(before + 1, fastLayer.dnnlPasses(), "oneDNN computed the padded sequences");
        for (var e : refLayer.rnnGetPreviousState().entrySet()) {
            assertClose(e.getValue(), fastLayer.rnnGetPreviousState().get(e.getKey()), 2e-5, "state " + e.getKey());
        }
    }

    @Test
    void truncatedBackwardShorterThanTheForwardPassMatchesDl4j() {
        MultiLayerNetwork ref = tbptt(DataType.DOUBLE, false), fast = tbptt(DataType.FLOAT, true);
        copyParams(ref, fast);
        INDArray x = randomInput(12, 5, 3);
        compareGradients(ref, fast, new DataSet(x, randomLabels(12, 5, 4)));
    }

    /** Truncated BPTT whose backward pass (2 steps) is shorter than its forward pass (5). */
    private static MultiLayerNetwork tbptt(DataType type, boolean fast) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7).dataType(type).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).list()
                .layer(lstm(fast, N_IN, HIDDEN))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(CLASSES).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(5).tBPTTBackwardLength(2)
                .build());
        net.init();
        return net;
    }
}
