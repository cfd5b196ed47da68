package io.github.lstmsuite.layers;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReverseSteps and LastStep against DL4J's ReverseTimeSeriesVertex and LastTimeStepVertex: the same
 * reversed steps for every kind of mask, and the same activations, loss and gradients to the last bit for
 * right-padded sentences (the translator's), in float and double; DL4J's gradient check with holes in the
 * mask; sentences with no real step; the configuration's JSON.
 */
class StepVerticesTest {
    private static final int B = 5;
    private static final int F = 3;
    private static final int T = 6;

    /** x → LSTM → reverse → LSTM → last step → dense output, with DL4J's vertices or ours. */
    private static ComputationGraph graph(boolean ours, DataType type) {
        GraphVertex reverse = ours ? new ReverseSteps("x") : new ReverseTimeSeriesVertex("x");
        GraphVertex last = ours ? new LastStep("x") : new LastTimeStepVertex("x");
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(type)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("fwd", new LSTM.Builder().nIn(F).nOut(4).activation(Activation.TANH).build(), "x")   // [B, 4, T]
                .addVertex("rev", reverse, "fwd")                                                          // [B, 4, T]
                .addLayer("bwd", new LSTM.Builder().nIn(4).nOut(4).activation(Activation.TANH).build(), "rev")  // [B, 4, T]
                .addVertex("last", last, "bwd")                                                            // [B, 4]
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(4).nOut(2).build(), "last")                                                  // [B, 2]
                .setOutputs("out").build());
        g.init();
        return g;
    }

    /** kind 0: real steps first (right padding); 1: padding first; 2: holes anywhere. Every row has a real step. */
    private static INDArray mask(int kind, DataType type, Random r) {
        INDArray m = Nd4j.zeros(type, B, T);
        for (int b = 0; b < B; b++) {
            int len = 1 + r.nextInt(T);
            for (int t = 0; t < T; t++) {
                boolean real = switch (kind) {
                    case 0 -> t < len;
                    case 1 -> t >= T - len;
                    default -> t == b % T || r.nextBoolean();
                };
                m.putScalar(b, t, real ? 1 : 0);
            }
        }
        return m;
    }

    @Test
    void sameActivationsAndGradientsAsDl4jsVerticesForEveryMask() {
        Random r = new Random(11);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ComputationGraph theirs = graph(false, type);
            ComputationGraph ours = graph(true, type);
            ours.setParams(theirs.params());
            for (int kind = 0; kind < 4; kind++) {
                INDArray x = Nd4j.rand(type, B, F, T).subi(0.5);
                INDArray y = Nd4j.rand(type, B, 2);
                INDArray m = kind == 3 ? null : mask(kind, type, r);                 // kind 3: no mask
                INDArray[] masks = m == null ? null : new INDArray[] {m};
                String what = type + ", mask kind " + kind;

                Map<String, INDArray> a = activations(theirs, x, masks);
                Map<String, INDArray> b = activations(ours, x, masks);
                // the reversed steps: equal where real; padded steps are zero in ours, while DL4J's vertex can
                // leave stray values there (3e203 seen here with holes in the mask)
                for (int i = 0; i < B; i++) {
                    for (int t = 0; t < T; t++) {
                        INDArray mine = b.get("rev").get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(t));
                        if (m == null || m.getDouble(i, t) != 0) {
                            assertEquals(a.get("rev").get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(t)), mine, what);
                        } else {
                            assertEquals(0.0, mine.amaxNumber().doubleValue(), "padding not zero: " + what);
                        }
                    }
                }
                if (kind == 1 || kind == 2) {
                    continue;       // DL4J's stray values can sit before real steps there and reach its LSTM's state
                }
                assertEquals(a.get("last"), b.get("last"), "last differs: " + what);
                assertEquals(a.get("out"), b.get("out"), "out differs: " + what);
                theirs.setInputs(x);
                theirs.setLabels(y);
                theirs.setLayerMaskArrays(masks, null);
                theirs.computeGradientAndScore();
                ours.setInputs(x);
                ours.setLabels(y);
                ours.setLayerMaskArrays(masks, null);
                ours.computeGradientAndScore();
                assertEquals(theirs.score(), ours.score(), 0.0, what);
                assertEquals(theirs.gradient().gradient(), ours.gradient().gradient(), "gradients differ: " + what);
            }
        }
    }

    private static Map<String, INDArray> activations(ComputationGraph g, INDArray x, INDArray[] masks) {
        g.setLayerMaskArrays(masks, null);
        Map<String, INDArray> acts = g.feedForward(new INDArray[] {x}, false, false);
        acts.replaceAll((k, v) -> v.dup());
        g.clearLayerMaskArrays();
        return acts;
    }

    /** With holes and leading padding too: DL4J's finite differences (its own vertices cannot serve there). */
    @Test
    void passesDl4jGradientCheckWithHolesInTheMask() {
        assertTrue(Float64.run(() -> {
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, B, F, T).subi(0.5);
            INDArray y = Nd4j.rand(DataType.DOUBLE, B, 2);
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph(true, DataType.DOUBLE))
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).inputMask(new INDArray[] {mask(2, DataType.DOUBLE, new Random(2))})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        }));
    }

    @Test
    void aSentenceWithNoRealStepReversesToZerosAndReadsStepZero() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x")
                .addVertex("rev", new ReverseSteps("x"), "x")
                .addVertex("last", new LastStep("x"), "x")
                .setOutputs("rev", "last").build());
        g.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, F, 4);
        INDArray m = Nd4j.create(new float[][] {{1, 1, 1, 0}, {0, 0, 0, 0}});
        INDArray[] out = g.output(false, new INDArray[] {x}, new INDArray[] {m});
        // sentence 0: steps 2,1,0 then the padded step at zero
        for (int t = 0; t < 3; t++) {
            assertEquals(x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(2 - t)),
                    out[0].get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(t)));
        }
        assertEquals(0.0, out[0].get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(3)).sumNumber().doubleValue());
        assertEquals(0.0, out[0].get(NDArrayIndex.point(1)).amaxNumber().doubleValue(), "all padding reverses to zeros");
        assertEquals(x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(2)), out[1].getRow(0));
        assertEquals(x.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.point(0)), out[1].getRow(1));
        // a mask of the wrong shape is an error, not silently ignored
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> g.output(false, new INDArray[] {x}, new INDArray[] {Nd4j.ones(DataType.FLOAT, 2, 3)}));
        assertTrue(e.getMessage().contains("mask"), e.getMessage());
    }

    @Test
    void theConfigurationSurvivesJsonAndAnUnknownMaskInputIsAnError() {
        ComputationGraphConfiguration conf = graph(true, DataType.FLOAT).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals("x", ((ReverseSteps) back.getVertices().get("rev")).getMaskInput());
        assertEquals("x", ((LastStep) back.getVertices().get("last")).getMaskInput());
        var bad = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x")
                .addVertex("rev", new ReverseSteps("source"), "x").setOutputs("rev").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ComputationGraph(bad).init());
        assertTrue(e.getMessage().contains("'source'"), e.getMessage());
    }
}
