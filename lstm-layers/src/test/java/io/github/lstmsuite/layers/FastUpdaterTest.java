package io.github.lstmsuite.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastUpdater: DL4J's batch-size division, per-layer clipping and updater blocks, trained side by side with DL4J's own. */
class FastUpdaterTest {

    /** An LSTM, a dense layer and a softmax, each with its own normalisation; the dense one with L2 regularisation. */
    private static MultiLayerNetwork network(GradientNormalization lstm, double lstmThreshold, GradientNormalization out, int hidden) {
        return network(lstm, lstmThreshold, out, hidden, 1e-3);
    }

    /** {@code l2} 0: no regularisation anywhere, so that the whole step is fused. */
    private static MultiLayerNetwork network(GradientNormalization lstm, double lstmThreshold, GradientNormalization out, int hidden,
                                             double l2) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT)
                .updater(new FastAdam(1e-2)).weightInit(WeightInit.XAVIER).list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(3).nOut(hidden).activation(Activation.TANH)
                        .gradientNormalization(lstm).gradientNormalizationThreshold(lstmThreshold).build()))
                .layer(new DenseLayer.Builder().nIn(hidden).nOut(hidden).activation(Activation.TANH).l2(l2).build())
                .layer(new OutputLayer.Builder().nIn(hidden).nOut(2).gradientNormalization(out)
                        .gradientNormalizationThreshold(0.05).build())
                .setInputType(InputType.recurrent(3, 5)).build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    private static DataSet data(int batch) {
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, 5).subi(0.5).muli(4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 2);
        for (int b = 0; b < batch; b++) {
            y.putScalar(b, (b * 7) % 3 == 0 ? 1 : 0, 1);
        }
        return new DataSet(x, y);
    }

    /** Largest difference relative to the larger magnitude (floor 1). */
    private static double relativeDifference(INDArray a, INDArray b) {
        double diff = a.sub(b).amaxNumber().doubleValue();
        return diff / Math.max(1, Math.max(a.amaxNumber().doubleValue(), b.amaxNumber().doubleValue()));
    }

    /** Two equal networks from {@code make}: DL4J's updater ({@code [0]}) and ours ({@code [1]}), trained side by side. */
    private static MultiLayerNetwork[] sideBySide(java.util.function.Supplier<MultiLayerNetwork> make, DataSet d, int steps) {
        MultiLayerNetwork theirs = make.get(), ours = make.get();
        assertTrue(FastUpdater.install(ours));
        assertInstanceOf(FastUpdater.Network.class, ours.getUpdater());
        trainBoth(theirs, ours, d, steps);
        return new MultiLayerNetwork[] {theirs, ours};
    }

    private static void trainBoth(MultiLayerNetwork theirs, MultiLayerNetwork ours, DataSet d, int steps) {
        for (int i = 0; i < steps; i++) {
            theirs.fit(d);
            ours.fit(d);
        }
    }

    @Test
    void clippedLayersTrainAsWithDl4jsUpdater() {
        DataSet d = data(16);
        // the LSTM clipped at 0.05 (every step), the output layer at 0.05; the dense layer regularised, unclipped
        MultiLayerNetwork[] pair = sideBySide(() -> network(GradientNormalization.ClipL2PerLayer, 0.05, GradientNormalization.ClipL2PerLayer, 6), d, 40);
        MultiLayerNetwork theirs = pair[0], ours = pair[1];
        assertTrue(((FastUpdater.Network) ours.getUpdater()).javaPath(), "the Java pass ran");
        assertFalse(((FastUpdater.Network) ours.getUpdater()).fusedStep(), "regularisation: DL4J's blocks and step");
        // only the norm's summation differs (double here, float in ND4J): the scale factors in their last bits
        assertTrue(relativeDifference(theirs.params(), ours.params()) < 1e-5,
                "parameters after 40 clipped steps: " + relativeDifference(theirs.params(), ours.params()));
        assertTrue(relativeDifference(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray()) < 1e-5);
        assertEquals(theirs.score(), ours.score(), 1e-5);
        assertFalse(theirs.params().equals(network(GradientNormalization.ClipL2PerLayer, 0.05,
                GradientNormalization.ClipL2PerLayer, 6).params()), "training moved the parameters");
    }

    @Test
    void unclippedNetworkIsBitIdentical() {
        DataSet d = data(16);
        MultiLayerNetwork[] pair = sideBySide(() -> network(GradientNormalization.None, 1, GradientNormalization.None, 6), d, 25);
        MultiLayerNetwork theirs = pair[0], ours = pair[1];
        assertTrue(((FastUpdater.Network) ours.getUpdater()).javaPath());
        assertEquals(theirs.params(), ours.params(), "the division is ND4J's float division, the rest DL4J's own");
        assertEquals(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray());
    }

    @Test
    void largeLayersOnBothWorkersAndAThresholdNotAlwaysReached() {
        DataSet d = data(64);
        // hidden 300: the LSTM's 364 K parameters split in two halves; the threshold 3/4 of the first step's
        // (batch-averaged) LSTM gradient norm, so that the first steps are clipped and later ones need not be
        MultiLayerNetwork probe = network(GradientNormalization.None, 1, GradientNormalization.None, 300);
        probe.setInput(d.getFeatures());
        probe.setLabels(d.getLabels());
        probe.computeGradientAndScore();
        double firstNorm = probe.getLayer(0).getGradientsViewArray().norm2Number().doubleValue() / 64;
        MultiLayerNetwork[] pair = sideBySide(() -> network(GradientNormalization.ClipL2PerLayer, 0.75 * firstNorm, GradientNormalization.None, 300), d, 8);
        MultiLayerNetwork theirs = pair[0], ours = pair[1];
        assertTrue(((FastUpdater.Network) ours.getUpdater()).javaPath());
        // Adam's moments follow the clipped gradients (1e-7 apart after one step, 1e-6 after eight); its update
        // m/(√v + ε) magnifies the scale factors' last-bit differences where v is tiny (2e-5 after eight steps)
        assertTrue(relativeDifference(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray()) < 1e-5,
                "Adam's state: " + relativeDifference(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray()));
        assertTrue(relativeDifference(theirs.params(), ours.params()) < 1e-4,
                "parameters: " + relativeDifference(theirs.params(), ours.params()));
    }

    @Test
    void fusedStepWithoutRegularisation() {
        DataSet d = data(16);
        // unclipped: the fused pass does the division, Adam and the parameters' update in ND4J's float operations
        MultiLayerNetwork[] pair = sideBySide(() -> network(GradientNormalization.None, 1, GradientNormalization.None, 6, 0), d, 25);
        MultiLayerNetwork theirs = pair[0], ours = pair[1];
        assertTrue(((FastUpdater.Network) ours.getUpdater()).fusedStep(), "the fused step ran");
        assertEquals(theirs.params(), ours.params(), "the same numbers to the last bit");
        assertEquals(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray());
        assertEquals(theirs.getFlattenedGradients(), ours.getFlattenedGradients(), "the gradient array holds the update, as DL4J's");

        // clipped (every step at 0.05): as close as the unfused Java pass
        MultiLayerNetwork[] pairC = sideBySide(() -> network(GradientNormalization.ClipL2PerLayer, 0.05, GradientNormalization.ClipL2PerLayer, 6, 0), d, 40);
        MultiLayerNetwork theirsC = pairC[0], oursC = pairC[1];
        assertTrue(((FastUpdater.Network) oursC.getUpdater()).fusedStep());
        assertTrue(relativeDifference(theirsC.params(), oursC.params()) < 1e-5,
                "parameters after 40 clipped steps: " + relativeDifference(theirsC.params(), oursC.params()));

        // installing again (as the trainer does after a resume) keeps it fused
        FastUpdater.install(oursC);
        FastUpdater.install(theirsC);
        trainBoth(theirsC, oursC, d, 5);
        assertTrue(((FastUpdater.Network) oursC.getUpdater()).fusedStep());
        assertTrue(((FastUpdater.Network) theirsC.getUpdater()).fusedStep());
        assertTrue(relativeDifference(theirsC.params(), oursC.params()) < 1e-5);
    }

    @Test
    void otherNormalisationsTakeDl4jsOwnUpdate() {
        DataSet d = data(16);
        MultiLayerNetwork[] pair = sideBySide(() -> network(GradientNormalization.RenormalizeL2PerLayer, 1, GradientNormalization.ClipL2PerLayer, 6), d, 10);
        MultiLayerNetwork theirs = pair[0], ours = pair[1];
        assertFalse(((FastUpdater.Network) ours.getUpdater()).javaPath(), "DL4J's update");
        assertEquals(theirs.params(), ours.params());
    }

    @Test
    void installKeepsTheStateAndTheSavedModelIsPlainDl4j() throws Exception {
        DataSet d = data(16);
        MultiLayerNetwork theirs = network(GradientNormalization.None, 1, GradientNormalization.None, 6);
        MultiLayerNetwork ours = network(GradientNormalization.None, 1, GradientNormalization.None, 6);
        trainBoth(theirs, ours, d, 5);                          // both DL4J's updater
        FastUpdater.install(ours);                              // then ours, from the same Adam state
        FastUpdater.install(ours);                              // a second install changes nothing
        trainBoth(theirs, ours, d, 5);
        assertEquals(theirs.params(), ours.params());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(ours, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(MultiLayerUpdater.class, restored.getUpdater());
        assertFalse(restored.getUpdater() instanceof FastUpdater.Network, "a restored model has DL4J's updater");
        assertEquals(ours.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        trainBoth(theirs, restored, d, 3);
        assertEquals(theirs.params(), restored.params(), "resumed with DL4J's updater: the same steps");
    }

    @Test
    void computationGraphAlike() {
        graphAlike(new Sgd(0.5), false);
        graphAlike(new FastAdam(0.01), true);
    }

    private static void graphAlike(org.nd4j.linalg.learning.config.IUpdater updater, boolean fused) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(updater).weightInit(WeightInit.XAVIER)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(0.02)
                .graphBuilder().addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH)      // not clipped
                        .gradientNormalization(GradientNormalization.None).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nIn(16).nOut(3).build(), "a", "b")
                .setOutputs("out").build();
        ComputationGraph theirs = new ComputationGraph(conf.clone()), ours = new ComputationGraph(conf.clone());
        theirs.init();
        ours.init();
        assertTrue(FastUpdater.install(ours));
        assertInstanceOf(FastUpdater.Graph.class, ours.getUpdater());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 12, 4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 12, 3);
        for (int b = 0; b < 12; b++) {
            y.putScalar(b, b % 3, 1);
        }
        MultiDataSet m = new MultiDataSet(x, y);
        for (int i = 0; i < 30; i++) {
            theirs.fit(m);
            ours.fit(m);
        }
        assertTrue(((FastUpdater.Graph) ours.getUpdater()).javaPath());
        assertEquals(fused, ((FastUpdater.Graph) ours.getUpdater()).fusedStep(), "fused with FastAdam only");
        assertTrue(relativeDifference(theirs.params(), ours.params()) < 1e-5,
                "parameters: " + relativeDifference(theirs.params(), ours.params()));
        assertEquals(theirs.score(), ours.score(), 1e-5);
    }
}
