package io.github.lstmsuite.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attention vertex: its gradients (through two LSTMs), its masking, and a value computed by hand. */
class DotAttentionTest {
    private static ComputationGraph graph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("q", "m")
                .addLayer("qa", new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "q")
                .addLayer("ma", new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "m")
                .addVertex("att", new DotAttention(), "qa", "ma")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(4).nOut(2).dataFormat(RNNFormat.NCW).build(), "att")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void passesDl4jGradientCheckWithAMaskedMemory() {
        assertTrue(Float64.run(() -> {
            Nd4j.getRandom().setSeed(5);
            INDArray q = Nd4j.rand(DataType.DOUBLE, 2, 3, 3).subi(0.5);
            INDArray m = Nd4j.rand(DataType.DOUBLE, 2, 3, 5).subi(0.5);
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 2, 3);
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 3; t++) {
                    labels.putScalar(b, (b + t) % 2, t, 1.0);
                }
            }
            INDArray mMask = Nd4j.create(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}});
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph())
                    .inputs(new INDArray[] {q, m}).labels(new INDArray[] {labels}).inputMask(new INDArray[] {null, mMask})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        }));
    }

    @Test
    void maskedMemoryStepsGetNoWeightAndTheValueMatchesAHandComputation() {
        ComputationGraph g = graph();
        INDArray q = Nd4j.rand(DataType.DOUBLE, 1, 3, 2);
        INDArray m = Nd4j.rand(DataType.DOUBLE, 1, 3, 4);
        // padding the memory with two garbage steps under a mask changes nothing
        INDArray padded = Nd4j.valueArrayOf(new long[] {1, 3, 6}, 5.0, DataType.DOUBLE);
        padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)).assign(m);
        INDArray plain = g.output(false, new INDArray[] {q, m}, null)[0];
        INDArray masked = g.output(false, new INDArray[] {q, padded}, new INDArray[] {null, Nd4j.create(new double[][] {{1, 1, 1, 1, 0, 0}})})[0];
        assertTrue(plain.equalsWithEps(masked, 1e-12));
        // the context by hand from the two LSTMs' outputs
        var acts = g.feedForward(new INDArray[] {q, m}, false);
        INDArray qa = acts.get("qa");
        INDArray ma = acts.get("ma");
        INDArray att = acts.get("att");
        for (int t = 0; t < 2; t++) {
            double[] w = new double[4];
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                double s = 0;
                for (int h = 0; h < 4; h++) {
                    s += qa.getDouble(0, h, t) * ma.getDouble(0, h, k);
                }
                w[k] = Math.exp(s / 2.0);                       // √H = 2
                sum += w[k];
            }
            for (int h = 0; h < 4; h++) {
                double ctx = 0;
                for (int k = 0; k < 4; k++) {
                    ctx += w[k] / sum * ma.getDouble(0, h, k);
                }
                assertEquals(ctx, att.getDouble(0, h, t), 1e-12);
            }
        }
    }

    @Test
    void aMaskIsNotKeptForTheNextCallAndAWrongShapeIsAnError() {
        ComputationGraph g = graph();
        Nd4j.getRandom().setSeed(9);
        INDArray q = Nd4j.rand(DataType.DOUBLE, 2, 3, 2);
        INDArray m = Nd4j.rand(DataType.DOUBLE, 2, 3, 4);
        INDArray unmasked = g.output(false, new INDArray[] {q, m}, null)[0].dup();
        g.output(false, new INDArray[] {q, m}, new INDArray[] {null, Nd4j.create(new double[][] {{1, 1, 0, 0}, {1, 0, 0, 0}})});
        // the same inputs again without masks: the earlier call's mask must not apply
        assertTrue(unmasked.equalsWithEps(g.output(false, new INDArray[] {q, m}, null)[0], 1e-12), "a stale mask was applied");
        // a memory mask of the wrong shape is an error, not silently ignored
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> g.output(false, new INDArray[] {q, m}, new INDArray[] {null, Nd4j.ones(DataType.DOUBLE, 2, 3)}));
        assertTrue(e.getMessage().contains("mask"), e.getMessage());
    }
}
