package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * With the default thresholds, inference (not training) through a layer of 64 units or more (where oneDNN runs
 * AVX-512 kernels; else 256) over 16 steps or more is oneDNN's ({@link DnnlLstm#worthIt(int, int, boolean)}), and
 * matches DL4J's LSTM as the Java kernel does. The tests that need oneDNN's pass at 64 or 128 units lower the
 * threshold to 64 for their duration, so they test it on every instruction set.
 */
class FastLstmInferenceTest {

    private static MultiLayerNetwork net(boolean fast, int hidden) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).list()
                .layer(FastLstmTest.lstm(fast, 28, hidden))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(hidden).nOut(10).build())
                .build());
        n.init();
        return n;
    }

    /** Runs {@code body} with oneDNN's inference threshold at 64 units, whatever the instruction set. */
    private static void withInferenceFrom64Units(Runnable body) {
        SystemProperty.with("lstm.suite.dnnl.inference.minHidden", "64", () -> {
            body.run();
            return null;
        });
    }

    @Test
    void theDefaultThresholdFollowsOneDnnsInstructionSet() {
        assumeTrue(DnnlLstm.available(), "oneDNN does not load on this platform");
        assertEquals(DnnlLstm.avx512() ? 64 : 256, DnnlLstm.inferenceMinHidden());
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap != null && cap.toUpperCase(java.util.Locale.ROOT).startsWith("AVX2")) {
            assertFalse(DnnlLstm.avx512(), "ONEDNN_MAX_CPU_ISA=" + cap + " caps oneDNN below AVX-512");
        }
        MultiLayerNetwork n = net(true, 128);
        Nd4j.getRandom().setSeed(8);
        n.output(Nd4j.rand(DataType.FLOAT, 8, 28, 28));
        assertEquals(DnnlLstm.avx512() ? 1 : 0, ((FastLstmLayer) n.getLayer(0)).dnnlPasses(),
                "128 units, 28 steps: oneDNN's with AVX-512, the Java kernel's below it");
    }

    @Test
    void inferenceFrom128UnitsAndSixteenStepsIsOneDnns() {
        assumeTrue(DnnlLstm.available(), "oneDNN does not load on this platform");
        withInferenceFrom64Units(this::inferenceThroughOneDnn);
    }

    private void inferenceThroughOneDnn() {
        MultiLayerNetwork ref = net(false, 128), fast = net(true, 128);
        fast.setParams(ref.params());
        FastLstmLayer layer = (FastLstmLayer) fast.getLayer(0);
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 40, 28, 28).subi(0.5);                // the MNIST shape: 28 rows of 28

        FastLstmTest.assertClose(ref.output(x), fast.output(x), 2e-5, "inference through oneDNN");
        assertEquals(1, layer.dnnlPasses(), "28 steps of 128 units: oneDNN");

        INDArray short15 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 15));
        FastLstmTest.assertClose(ref.output(short15), fast.output(short15), 2e-5, "15 steps");
        assertEquals(1, layer.dnnlPasses(), "15 steps: the Java kernel");

        layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces());
        assertEquals(1, layer.dnnlPasses(), "training at 128 units keeps the Java kernel");

        MultiLayerNetwork mnist = net(true, 64);
        mnist.output(x);
        assertEquals(1, ((FastLstmLayer) mnist.getLayer(0)).dnnlPasses(), "64 units: oneDNN");
        MultiLayerNetwork narrow = net(true, 32);
        narrow.output(x);
        assertEquals(0, ((FastLstmLayer) narrow.getLayer(0)).dnnlPasses(), "32 units: the Java kernel");
    }

    @Test
    void inferenceAfterTheWeightsChangeUsesTheNewWeights() {
        assumeTrue(DnnlLstm.available(), "oneDNN does not load on this platform");
        withInferenceFrom64Units(this::newWeights);
    }

    private void newWeights() {
        MultiLayerNetwork ref = net(false, 128), fast = net(true, 128);
        fast.setParams(ref.params());
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 24, 28, 20).subi(0.5);
        FastLstmTest.assertClose(ref.output(x), fast.output(x), 2e-5, "first pass");
        FastLstmTest.assertClose(ref.output(x), fast.output(x), 2e-5, "same weights again");

        for (String key : new String[] {"W", "RW"}) {      // one weight changed in place, the rest as they were
            for (MultiLayerNetwork n : new MultiLayerNetwork[] {ref, fast}) {
                INDArray w = n.getLayer(0).getParam(key);
                w.putScalar(3, 70, w.getDouble(3, 70) + 0.75);
            }
            FastLstmTest.assertClose(ref.output(x), fast.output(x), 2e-5, "after one element of " + key + " changed");
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, 24, 10, 20);
        for (int b = 0; b < 24; b++) {
            for (int t = 0; t < 20; t++) {
                y.putScalar(new int[] {b, (b + t) % 10, t}, 1f);
            }
        }
        ref.fit(x, y);                                      // a training step between two inference passes
        fast.fit(x, y);
        FastLstmTest.assertClose(ref.output(x), fast.output(x), 2e-5, "after a training step");
        assertEquals(5, ((FastLstmLayer) fast.getLayer(0)).dnnlPasses(), "every inference pass was oneDNN's");
    }
}
