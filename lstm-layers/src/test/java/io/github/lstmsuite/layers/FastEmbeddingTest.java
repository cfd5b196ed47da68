package io.github.lstmsuite.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FastEmbedding against DL4J's EmbeddingSequenceLayer: the same activations and gradients to the last bit
 * (repeated indices, masks, rank-2 and rank-3 inputs, with and without a bias), DL4J's error for an index
 * out of range, and its class kept through JSON.
 */
class FastEmbeddingTest {
    private static final int V = 6;
    private static final int B = 4;
    private static final int T = 5;

    /** tokens → embedding 3 → LSTM 4 → softmax 3 per step. */
    private static ComputationGraph graph(boolean ours, boolean bias) {
        EmbeddingSequenceLayer.Builder emb = ours ? new FastEmbedding.Builder() : new EmbeddingSequenceLayer.Builder();
        emb.nIn(V).nOut(3).hasBias(bias);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("emb", emb.build(), "x")                                                           // [B, 3, T]
                .addLayer("lstm", new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "emb") // [B, 4, T]
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW).nIn(4).nOut(3).build(), "lstm")                            // [B, 3, T]
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void sameActivationsAndGradientsAsDl4jsLayer() {
        INDArray tokens = Nd4j.create(new float[][] {{1, 1, 5, 0, 1}, {2, 3, 3, 3, 4}, {0, 0, 0, 5, 5}, {4, 2, 1, 1, 1}});
        INDArray mask = Nd4j.create(new float[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}, {1, 0, 0, 0, 0}});
        INDArray labels = Nd4j.zeros(DataType.FLOAT, B, 3, T);
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                labels.putScalar(b, (b + 2 * t) % 3, t, 1f);
            }
        }
        for (boolean bias : new boolean[] {false, true}) {
            ComputationGraph theirs = graph(false, bias);
            ComputationGraph ours = graph(true, bias);
            ours.setParams(theirs.params().dup());
            if (bias) {                                        // a bias that is not zero
                theirs.getLayer("emb").getParam("b").assign(Nd4j.create(new float[] {0.1f, -0.2f, 0.3f}).reshape(1, 3));
                ours.getLayer("emb").getParam("b").assign(Nd4j.create(new float[] {0.1f, -0.2f, 0.3f}).reshape(1, 3));
            }
            for (INDArray x : new INDArray[] {tokens.reshape(B, 1, T), tokens, tokens.reshape(B, 1, T).dup('f')}) {
                for (INDArray m : new INDArray[] {null, mask}) {
                    String where = (bias ? "bias, " : "") + "input " + java.util.Arrays.toString(x.shape()) + x.ordering() + (m == null ? "" : ", masked");
                    INDArray[] masks = m == null ? null : new INDArray[] {m};
                    INDArray[] acts = new INDArray[2];
                    for (int i = 0; i < 2; i++) {
                        org.deeplearning4j.nn.api.Layer layer = (i == 0 ? theirs : ours).getLayer("emb");
                        layer.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
                        layer.setMaskArray(m);
                        acts[i] = layer.activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
                        layer.setMaskArray(null);
                    }
                    assertEquals(acts[0], acts[1], where);
                    for (ComputationGraph g : new ComputationGraph[] {theirs, ours}) {
                        g.setInputs(x);
                        g.setLabels(labels);
                        g.setLayerMaskArrays(masks, masks);
                        g.computeGradientAndScore();
                        g.clearLayerMaskArrays();
                    }
                    assertEquals(theirs.score(), ours.score(), 0.0, where);
                    assertEquals(theirs.gradient().getGradientFor("emb_W"), ours.gradient().getGradientFor("emb_W"), where);
                    if (bias) {
                        assertTrue(theirs.gradient().getGradientFor("emb_b").equalsWithEps(ours.gradient().getGradientFor("emb_b"), 1e-6), where);
                    }
                    assertEquals(theirs.gradient().gradient(), ours.gradient().gradient(), where);
                }
            }
        }
    }

    @Test
    void anIndexOutOfRangeIsDl4jsErrorAndTheClassSurvivesJson() {
        ComputationGraph ours = graph(true, false);
        INDArray bad = Nd4j.create(new float[][] {{1, 2, 3, 4, V}}).reshape(1, 1, T);
        DL4JInvalidInputException e = assertThrows(DL4JInvalidInputException.class, () -> ours.outputSingle(bad));
        assertTrue(e.getMessage().contains("got index " + V), e.getMessage());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(ours.getConfiguration().toJson());
        ComputationGraph reloaded = new ComputationGraph(back);
        reloaded.init(ours.params().dup(), false);
        assertInstanceOf(FastEmbeddingLayer.class, reloaded.getLayer("emb"));
        INDArray x = Nd4j.create(new float[][] {{1, 2, 3, 4, 5}}).reshape(1, 1, T);
        assertEquals(ours.outputSingle(x), reloaded.outputSingle(x));
    }
}
