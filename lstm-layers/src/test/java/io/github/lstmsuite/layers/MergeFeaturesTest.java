package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * MergeFeatures against DL4J's MergeVertex: the same merged array and the same split gradient, exactly, for
 * inputs in every layout the translator's graph hands it (row-major, column-major, a time-major view, a
 * feature slice of a wider array), for [B, F, T] and [B, F], float and double; and a whole graph with
 * either vertex gives the same outputs, score and gradients, and keeps its vertex through JSON.
 */
class MergeFeaturesTest {
    private static final int B = 5;
    private static final int T = 6;

    private static INDArray rand(DataType type, long[] shape, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, shape);
    }

    /** {@code [B, f, T]} (or {@code [B, f]}) values in the layout {@code kind} names, distinct per element. */
    private static INDArray input(int kind, int f, int rank, DataType type, long seed) {
        long[] shape = rank == 3 ? new long[] {B, f, T} : new long[] {B, f};
        INDArray x = rand(type, shape, seed);
        switch (kind) {
            case 0:
                return x.dup('c');
            case 1:
                return x.dup('f');
            case 2: {                                   // stored [T, B, f] (or [f, B]), seen through a permutation
                INDArray stored = rank == 3 ? x.permute(2, 0, 1).dup('c') : x.permute(1, 0).dup('c');
                return rank == 3 ? stored.permute(1, 2, 0) : stored.permute(1, 0);
            }
            default: {                                  // features 2 … 2+f-1 of a wider array
                long[] wide = shape.clone();
                wide[1] = f + 3;
                INDArray w = rand(type, wide, seed + 99);
                INDArray view = rank == 3 ? w.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 2 + f), NDArrayIndex.all())
                        : w.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 2 + f));
                view.assign(x);
                return view;
            }
        }
    }

    @Test
    void sameMergeAndSplitAsDl4jForEveryLayout() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int rank : new int[] {2, 3}) {
                for (int k0 = 0; k0 < 4; k0++) {
                    for (int k1 = 0; k1 < 4; k1++) {
                        INDArray a = input(k0, 3, rank, type, 10 + k0);
                        INDArray b = input(k1, 4, rank, type, 20 + k1);
                        var theirs = new org.deeplearning4j.nn.graph.vertex.impl.MergeVertex(null, "m", 0, type, 1);
                        var ours = new MergeFeaturesVertex(null, "m", 0, type, 1);
                        theirs.setInputs(new INDArray[] {a, b});
                        ours.setInputs(new INDArray[] {a, b});
                        INDArray expected = theirs.doForward(true, LayerWorkspaceMgr.noWorkspaces());
                        INDArray merged = ours.doForward(true, LayerWorkspaceMgr.noWorkspaces());
                        String where = type + " rank " + rank + " layouts " + k0 + "," + k1;
                        assertArrayEquals(expected.shape(), merged.shape(), where);
                        assertEquals(expected, merged, where);

                        INDArray eps = input((k0 + k1) % 4, 7, rank, type, 30 + k0 * 4 + k1);
                        theirs.setEpsilon(eps);
                        ours.setEpsilon(eps);
                        INDArray[] want = theirs.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
                        INDArray[] got = ours.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
                        assertEquals(2, got.length);
                        for (int i = 0; i < 2; i++) {
                            assertEquals(want[i], got[i], where + " gradient " + i);
                        }
                    }
                }
            }
        }
    }

    /** x → two LSTMs → merged [B, 7, T] → softmax output, with DL4J's vertex or ours. */
    private static ComputationGraph graph(GraphVertex merge) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("a", new LSTM.Builder().nIn(2).nOut(3).activation(Activation.TANH).build(), "x")     // [B, 3, T]
                .addLayer("b", new LSTM.Builder().nIn(2).nOut(4).activation(Activation.TANH).build(), "x")     // [B, 4, T]
                .addVertex("m", merge, "a", "b")                                                                // [B, 7, T]
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(7).nOut(3).dataFormat(RNNFormat.NCW).build(), "m")                                                        // [B, 3, T]
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void aGraphComputesTheSameWithEitherVertexAndKeepsOursThroughJson() {
        ComputationGraph theirs = graph(new MergeVertex());
        ComputationGraph ours = graph(new MergeFeatures());
        ours.setParams(theirs.params());
        INDArray x = rand(DataType.DOUBLE, new long[] {B, 2, T}, 3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, B, 3, T);
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                y.putScalar(b, (b + t) % 3, t, 1.0);
            }
        }
        assertEquals(theirs.outputSingle(x), ours.outputSingle(x));
        org.nd4j.linalg.dataset.DataSet ds = new org.nd4j.linalg.dataset.DataSet(x, y);
        theirs.setInputs(x);
        theirs.setLabels(y);
        ours.setInputs(x);
        ours.setLabels(y);
        theirs.computeGradientAndScore();
        ours.computeGradientAndScore();
        assertEquals(theirs.score(), ours.score(), 0.0);
        assertEquals(theirs.gradient().gradient(), ours.gradient().gradient());
        assertEquals(theirs.score(ds), ours.score(ds), 0.0);

        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(ours.getConfiguration().toJson());
        assertInstanceOf(MergeFeatures.class, back.getVertices().get("m"));
        ComputationGraph reloaded = new ComputationGraph(back);
        reloaded.init(ours.params().dup(), false);
        assertInstanceOf(MergeFeaturesVertex.class, reloaded.getVertex("m"));
        assertEquals(ours.outputSingle(x), reloaded.outputSingle(x));
    }
}
