package io.github.lstmsuite.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass softmax output layer: DL4J's gradients and score, DL4J's gradient check, masks, dropout, saving. */
class SoftmaxOutputTest {
    private static final int V = 7;

    private static ComputationGraph graph(boolean ours, DataType type, double dropout) {
        RnnOutputLayer.Builder out = ours ? new SoftmaxOutput.Builder()
                : new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW);
        out.nIn(5).nOut(V);
        if (dropout > 0) {
            out.dropOut(1 - dropout);
        }
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(11).dataType(type)
                .updater(type == DataType.DOUBLE ? new NoOp() : new Adam(0.01)).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("lstm", new LSTM.Builder().nIn(3).nOut(5).activation(Activation.TANH).build(), "x")
                .addLayer("out", out.build(), "lstm")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    /** Inputs [3, 3, 4], token labels [3, 1, 4], the last sequence padded after 2 steps. */
    private static MultiDataSet data(DataType type) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(type, 3, 3, 4).subi(0.5);
        INDArray y = Nd4j.create(type, 3, 1, 4);
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 4; t++) {
                y.putScalar(b, 0, t, (b * 3 + t * 2) % V);
            }
        }
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 0, 0}}).castTo(type);
        return new MultiDataSet(new INDArray[] {x}, new INDArray[] {y}, new INDArray[] {mask}, new INDArray[] {mask});
    }

    @Test
    void sameScoreAndGradientsAsDl4jsRnnOutputLayerWithAMask() {
        // DL4J's RnnOutputLayer is the reference: float32 as the apps train, float64 to the last digits
        assertSameAsDl4j(DataType.FLOAT, 1e-5);
        assertTrue(Float64.run(() -> {
            assertSameAsDl4j(DataType.DOUBLE, 1e-12);
            return true;
        }));
    }

    private static void assertSameAsDl4j(DataType type, double eps) {
        ComputationGraph theirs = graph(false, type, 0);
        ComputationGraph ours = graph(true, type, 0);
        ours.setParams(theirs.params().dup());
        MultiDataSet d = data(type);
        for (ComputationGraph g : new ComputationGraph[] {theirs, ours}) {
            g.setInputs(d.getFeatures());
            g.setLabels(d.getLabels());
            g.setLayerMaskArrays(d.getFeaturesMaskArrays(), d.getLabelsMaskArrays());
            g.computeGradientAndScore();
        }
        assertEquals(theirs.score(), ours.score(), eps * Math.abs(theirs.score()));
        Gradient gt = theirs.gradient();
        Gradient go = ours.gradient();
        for (Map.Entry<String, INDArray> e : gt.gradientForVariable().entrySet()) {
            INDArray a = e.getValue();
            INDArray b = go.gradientForVariable().get(e.getKey());
            assertTrue(a.equalsWithEps(b, eps), type + " " + e.getKey() + ": " + a + " vs " + b);
        }
        // and the same predictions
        assertTrue(theirs.outputSingle(d.getFeatures()).equalsWithEps(ours.outputSingle(d.getFeatures()), eps));
    }

    /** x [B, 5, T] straight into the output layer: the input's layout is the test's to choose. */
    private static ComputationGraph direct(boolean ours) {
        RnnOutputLayer.Builder out = ours ? new SoftmaxOutput.Builder()
                : new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.FLOAT)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("out", out.nIn(5).nOut(V).biasInit(0.3).build(), "x")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void inferenceEqualsDl4jsForEveryLayoutWithAMaskAndStepByStep() {
        ComputationGraph theirs = direct(false);
        ComputationGraph ours = direct(true);
        ours.setParams(theirs.params().dup());
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5, 4).subi(0.5).muli(4);                  // [B, 5, T]
        INDArray mask = Nd4j.create(new float[][] {{1, 1, 1, 1}, {1, 1, 1, 0}, {1, 0, 0, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 1}});
        INDArray[] layouts = {x.dup('c'), x.dup('f'), x.permute(2, 0, 1).dup('c').permute(1, 2, 0)};
        for (INDArray in : layouts) {
            for (INDArray m : new INDArray[] {null, mask}) {                                 // the layer itself: a mask per step
                INDArray[] out = new INDArray[2];
                for (int i = 0; i < 2; i++) {
                    org.deeplearning4j.nn.api.Layer layer = (i == 0 ? theirs : ours).getLayer("out");
                    layer.setInput(in, LayerWorkspaceMgr.noWorkspaces());
                    layer.setMaskArray(m);
                    out[i] = layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
                    layer.setMaskArray(null);
                }
                String where = "layout " + in.ordering() + java.util.Arrays.toString(in.stride()) + (m == null ? "" : ", masked");
                assertTrue(out[0].equalsWithEps(out[1], 1e-6), where + ": " + out[0] + " vs " + out[1]);
                INDArray rowSums = out[1].sum(1);                                               // [B, T]: 1, or 0 where masked
                assertTrue(rowSums.equalsWithEps(m == null ? Nd4j.ones(DataType.FLOAT, 6, 4) : m, 1e-5), where + ": " + rowSums);
            }
            assertTrue(theirs.outputSingle(in).equalsWithEps(ours.outputSingle(in), 1e-6));
        }
        ours.rnnClearPreviousState();
        INDArray whole = ours.outputSingle(x);
        for (int t = 0; t < 4; t++) {                                                         // one step at a time, as a decoder
            INDArray step = ours.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)))[0];
            assertTrue(step.equalsWithEps(whole.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)), 1e-6));
        }
    }

    @Test
    void aNetworksOutputCanBeClosedAtOnce() {
        // a caller's try (INDArray y = net.output(x)) { … } frees the output's native memory as it leaves the block,
        // as with DL4J's RnnOutputLayer; a view (reshape + permute) would be left, silently, to the garbage collector
        ComputationGraph theirs = direct(false);
        ComputationGraph ours = direct(true);
        ours.setParams(theirs.params().dup());
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5, 4);                                      // [B, 5, T]
        INDArray expected = theirs.outputSingle(x);
        INDArray y = ours.outputSingle(x);
        assertArrayEquals(new long[] {6, V, 4}, y.shape());
        assertTrue(expected.equalsWithEps(y, 1e-6));
        assertFalse(y.isView());
        assertTrue(y.closeable());
        y.close();
        assertTrue(y.wasClosed());
    }

    @Test
    void gradientsEqualDl4jsForEveryInputLayout() {
        ComputationGraph theirs = direct(false);
        ComputationGraph ours = direct(true);
        ours.setParams(theirs.params().dup());
        theirs.initGradientsView();
        ours.initGradientsView();
        Nd4j.getRandom().setSeed(10);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5, 4).subi(0.5).muli(4);                  // [B, 5, T]
        INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 1, 4);
        for (int b = 0; b < 6; b++) {
            for (int t = 0; t < 4; t++) {
                y.putScalar(b, 0, t, (b * 5 + t) % V);
            }
        }
        // the Java kernel's column-major output, a row-major array, and oneDNN's [B, T, 5] seen as [B, 5, T]
        for (INDArray in : new INDArray[] {x.dup('f'), x.dup('c'), x.permute(0, 2, 1).dup('c').permute(0, 2, 1)}) {
            INDArray[] eps = new INDArray[2];
            INDArray[] grads = new INDArray[2];
            for (int i = 0; i < 2; i++) {
                org.deeplearning4j.nn.api.Layer layer = (i == 0 ? theirs : ours).getLayer("out");
                layer.setInput(in, LayerWorkspaceMgr.noWorkspaces());
                ((org.deeplearning4j.nn.api.layers.IOutputLayer) layer).setLabels(y);
                var g = layer.backpropGradient(null, LayerWorkspaceMgr.noWorkspaces());
                eps[i] = g.getSecond().dup('c');
                grads[i] = Nd4j.concat(0, g.getFirst().getGradientFor("W").reshape(-1), g.getFirst().getGradientFor("b").reshape(-1)).dup();
            }
            String where = "input strides " + java.util.Arrays.toString(in.stride());
            assertTrue(eps[0].equalsWithEps(eps[1], 1e-5), where + ": input gradient " + eps[0] + " vs " + eps[1]);
            assertTrue(grads[0].equalsWithEps(grads[1], 1e-5), where + ": parameter gradients " + grads[0] + " vs " + grads[1]);
        }
    }

    @Test
    void stepRowsEqualDl4jsReshapeForEveryLayout() {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 5, 3);
        INDArray expected = TimeSeriesUtils.reshape3dTo2d(x, LayerWorkspaceMgr.noWorkspaces(), ArrayType.BP_WORKING_MEM);
        for (INDArray layout : new INDArray[] {x.dup('f'), x.dup('c'), x.permute(0, 2, 1).dup('f').permute(0, 2, 1),
                x.permute(0, 2, 1).dup('c').permute(0, 2, 1), x.dup('f').get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())}) {
            INDArray rows = SoftmaxOutputLayer.rowsPerStep(layout, LayerWorkspaceMgr.noWorkspaces(), org.deeplearning4j.nn.workspace.ArrayType.BP_WORKING_MEM);
            assertEquals(expected, rows, "strides " + java.util.Arrays.toString(layout.stride()));
        }
    }

    @Test
    void paddedStepsCountForNothing() {
        ComputationGraph g = graph(true, DataType.FLOAT, 0);
        MultiDataSet d = data(DataType.FLOAT);
        double[] scores = new double[2];
        INDArray[] grads = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            if (run == 1) {
                d.getLabels(0).putScalar(2, 0, 3, 6);      // a padded step of the third sequence gets another label
                d.getFeatures(0).putScalar(2, 1, 3, 9.0);  // and garbage input
            }
            g.setInputs(d.getFeatures());
            g.setLabels(d.getLabels());
            g.setLayerMaskArrays(d.getFeaturesMaskArrays(), d.getLabelsMaskArrays());
            g.computeGradientAndScore();
            scores[run] = g.score();
            grads[run] = g.gradient().gradient().dup();
        }
        assertEquals(scores[0], scores[1], 1e-7);
        assertTrue(grads[0].equalsWithEps(grads[1], 1e-7));
    }

    @Test
    void labelSmoothingGradientIsSoftmaxMinusTheSmoothedTarget() {
        double eps = 0.1;
        assertSmoothedGradient(DataType.FLOAT, eps, 1e-6);           // the one-pass float32 path
        ComputationGraph g = assertSmoothedGradient(DataType.DOUBLE, eps, 1e-12);   // ND4J's ops in float64
        // and ε travels with the configuration
        var back = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        var layer = ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("out")).getLayerConf().getLayer();
        assertEquals(eps, ((SoftmaxOutput) layer).getLabelSmoothing(), 0);
    }

    /** δ_j = p_j − (1 − ε)[j = y] − ε/V by hand, for two steps (the second masked out: no gradient, no loss). */
    private static ComputationGraph assertSmoothedGradient(DataType type, double eps, double tol) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).dataType(type)
                .updater(new NoOp()).graphBuilder().addInputs("x")
                .addLayer("out", new SoftmaxOutput.Builder().labelSmoothing(eps).nIn(2).nOut(3).build(), "x")
                .setOutputs("out").build());
        g.init();
        g.getLayer("out").setParam("b", Nd4j.create(new double[] {0.3, -0.2, 0.1}, new long[] {1, 3}).castTo(type));
        INDArray x = Nd4j.create(new double[] {0.5, 2.0, -1.0, 7.0}, new long[] {1, 2, 2}).castTo(type);  // [B=1, 2, T=2]
        INDArray y = Nd4j.create(new double[] {2, 0}, new long[] {1, 1, 2}).castTo(type);
        INDArray mask = Nd4j.create(new double[] {1, 0}, new long[] {1, 2}).castTo(type);
        g.setInputs(x);
        g.setLabels(y);
        g.setLayerMaskArrays(new INDArray[] {mask}, new INDArray[] {mask});
        g.computeGradientAndScore();
        INDArray p = g.outputSingle(x).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(0));   // step 0
        double[] delta = new double[3];
        for (int j = 0; j < 3; j++) {
            delta[j] = p.getDouble(j) - (j == 2 ? 1 - eps : 0) - eps / 3;
        }
        INDArray dW = g.gradient().getGradientFor("out_W");
        INDArray db = g.gradient().getGradientFor("out_b");
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 2; i++) {
                assertEquals(x.getDouble(0, i, 0) * delta[j], dW.getDouble(i, j), tol, type + " dW");
            }
            assertEquals(delta[j], db.getDouble(j), tol, type + " db");
        }
        assertEquals(-Math.log(p.getDouble(2)), g.score(), tol, type + " score");
        return g;
    }

    @Test
    void learnsWithDropoutAndSurvivesSavingAndLoading() throws Exception {
        ComputationGraph g = graph(true, DataType.FLOAT, 0.2);
        MultiDataSet d = data(DataType.FLOAT);
        g.fit(d);
        double first = g.score();
        for (int i = 0; i < 300; i++) {
            g.fit(d);
        }
        assertTrue(g.score() < first / 3, "score " + first + " → " + g.score());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bytes, false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), false);
        assertInstanceOf(SoftmaxOutput.class, back.getLayer("out").conf().getLayer());
        assertInstanceOf(SoftmaxOutputLayer.class, back.getLayer("out"));
        assertTrue(g.outputSingle(d.getFeatures()).equalsWithEps(back.outputSingle(d.getFeatures()), 1e-6));
    }
}
