package io.github.lstmsuite.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dense softmax classifier: DL4J's OutputLayer's score, gradients, predictions and training, and its fallbacks. */
class DenseSoftmaxOutputTest {

    /** LSTM(3 → H) → last step → softmax over C classes: the shape of the MNIST classifier. */
    private static MultiLayerNetwork net(boolean ours, DataType type, int hidden, int classes, double dropout) {
        OutputLayer.Builder out = ours ? new DenseSoftmaxOutput.Builder()
                : new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX);
        out.nIn(hidden).nOut(classes).biasInit(0.2);
        if (dropout > 0) {
            out.dropOut(1 - dropout);
        }
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(type)
                .updater(type == DataType.DOUBLE ? new NoOp() : new Adam(0.01)).weightInit(WeightInit.XAVIER).list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(3).nOut(hidden).activation(Activation.TANH).build()))
                .layer(out.build())
                .setInputType(InputType.recurrent(3, 5)).build());
        n.init();
        return n;
    }

    /** x [B, 3, 5], one-hot labels [B, C] (or soft ones: each row a distribution). */
    private static DataSet data(DataType type, int batch, int classes, boolean soft) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(type, batch, 3, 5).subi(0.5).muli(3);
        INDArray y = Nd4j.zeros(type, batch, classes);
        for (int b = 0; b < batch; b++) {
            if (soft) {
                y.putScalar(b, b % classes, 0.7);
                y.putScalar(b, (b + 1) % classes, 0.3);
            } else {
                y.putScalar(b, (b * 5 + 1) % classes, 1);
            }
        }
        return new DataSet(x, y);
    }

    private static void assertSameAsDl4j(MultiLayerNetwork theirs, MultiLayerNetwork ours, DataSet d, double eps) {
        ours.setParams(theirs.params().dup());
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {theirs, ours}) {
            Nd4j.getRandom().setSeed(17);                        // the same dropout masks in both
            n.setInput(d.getFeatures());
            n.setLabels(d.getLabels());
            n.computeGradientAndScore();
        }
        boolean java = ((DenseSoftmaxOutputLayer) ours.getLayer(1)).javaPath(true);
        assertEquals(ours.params().dataType() == DataType.FLOAT, java, "the Java path runs for float32, only");
        assertEquals(theirs.score(), ours.score(), eps * Math.abs(theirs.score()));
        for (Map.Entry<String, INDArray> e : theirs.gradient().gradientForVariable().entrySet()) {
            INDArray a = e.getValue();
            INDArray b = ours.gradient().gradientForVariable().get(e.getKey());
            assertTrue(a.equalsWithEps(b, eps), e.getKey() + ": " + a + " vs " + b);
        }
        INDArray pt = theirs.output(d.getFeatures());
        INDArray po = ours.output(d.getFeatures());
        assertTrue(pt.equalsWithEps(po, 1e-6), pt + " vs " + po);
        assertTrue(po.sum(1).equalsWithEps(Nd4j.ones(po.dataType(), po.size(0)), 1e-6));
    }

    @Test
    void sameScoreGradientsAndPredictionsAsDl4jsOutputLayer() {
        assertSameAsDl4j(net(false, DataType.FLOAT, 5, 4, 0), net(true, DataType.FLOAT, 5, 4, 0), data(DataType.FLOAT, 6, 4, false), 1e-5);
        // soft labels (DL4J's δ = p − y holds for any distribution), and dropout on the layer's input
        assertSameAsDl4j(net(false, DataType.FLOAT, 5, 4, 0.3), net(true, DataType.FLOAT, 5, 4, 0.3), data(DataType.FLOAT, 6, 4, true), 1e-5);
        // products large enough for the layer's two workers: [64, 96] · [96, 384]
        assertSameAsDl4j(net(false, DataType.FLOAT, 96, 384, 0), net(true, DataType.FLOAT, 96, 384, 0), data(DataType.FLOAT, 64, 384, false), 1e-4);
    }

    @Test
    void aFloat64NetworkAndAMaskTakeDl4jsOwnPath() {
        assertTrue(Float64.run(() -> {
            MultiLayerNetwork theirs = net(false, DataType.DOUBLE, 5, 4, 0), ours = net(true, DataType.DOUBLE, 5, 4, 0);
            DataSet d = data(DataType.DOUBLE, 6, 4, false);
            assertSameAsDl4j(theirs, ours, d, 0);
            assertEquals(theirs.score(), ours.score(), 0.0);
            return true;
        }));
        MultiLayerNetwork theirs = net(false, DataType.FLOAT, 5, 4, 0), ours = net(true, DataType.FLOAT, 5, 4, 0);
        ours.setParams(theirs.params().dup());
        DataSet d = data(DataType.FLOAT, 6, 4, false);
        INDArray labelMask = Nd4j.create(new float[] {1, 1, 0, 1, 0, 1}, new long[] {6, 1});
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {theirs, ours}) {
            n.setInput(d.getFeatures());
            n.setLabels(d.getLabels());
            n.setLayerMaskArrays(null, labelMask);
            n.computeGradientAndScore();
        }
        assertTrue(!((DenseSoftmaxOutputLayer) ours.getLayer(1)).javaPath(true), "a mask takes DL4J's path");
        assertEquals(theirs.score(), ours.score(), 0.0);
        assertEquals(theirs.gradient().gradient(), ours.gradient().gradient());
    }

    @Test
    void trainsAsDl4jsLayerDoes() {
        MultiLayerNetwork theirs = net(false, DataType.FLOAT, 8, 3, 0), ours = net(true, DataType.FLOAT, 8, 3, 0);
        ours.setParams(theirs.params().dup());
        // a learnable rule: the class is which of the three inputs has the largest sum over time
        Nd4j.getRandom().setSeed(21);
        INDArray x = Nd4j.rand(DataType.FLOAT, 48, 3, 5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 48, 3);
        INDArray sums = x.sum(2);
        for (int b = 0; b < 48; b++) {
            y.putScalar(b, sums.getRow(b).argMax().getInt(0), 1);
        }
        DataSet d = new DataSet(x, y);
        for (int i = 0; i < 150; i++) {
            theirs.fit(d);
            ours.fit(d);
        }
        assertTrue(theirs.params().equalsWithEps(ours.params(), 2e-3), "parameters drifted apart");
        org.nd4j.evaluation.classification.Evaluation e = ours.evaluate(new org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator(d));
        assertTrue(e.accuracy() >= 0.85, "training accuracy " + e.accuracy());
    }

    @Test
    void savesAndLoadsAsItself() throws Exception {
        MultiLayerNetwork n = net(true, DataType.FLOAT, 5, 4, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(n, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(DenseSoftmaxOutput.class, back.getLayerWiseConfigurations().getConf(1).getLayer());
        assertInstanceOf(DenseSoftmaxOutputLayer.class, back.getLayer(1));
        INDArray x = data(DataType.FLOAT, 6, 4, false).getFeatures();
        assertEquals(n.output(x), back.output(x));
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        OutputLayer sigmoid = new DenseSoftmaxOutput.Builder().activation(Activation.SIGMOID).nIn(5).nOut(4).build();
        OutputLayer weighted = new DenseSoftmaxOutput.Builder().lossFunction(new LossMCXENT(Nd4j.create(new float[] {1, 2, 1, 1})))
                .nIn(5).nOut(4).build();
        for (OutputLayer bad : new OutputLayer[] {sigmoid, weighted}) {
            var conf = new NeuralNetConfiguration.Builder().list().layer(bad).validateOutputLayerConfig(false).build();  // past DL4J's own check
            assertThrows(IllegalStateException.class, () -> new MultiLayerNetwork(conf).init());
        }
    }

    @Test
    void rowMajorReadsAnyLayout() {
        INDArray a = Nd4j.create(new float[][] {{1, 2, 3}, {4, 5, 6}});
        float[] expected = {1, 2, 3, 4, 5, 6};
        for (INDArray layout : new INDArray[] {a, a.dup('f'), a.transpose().dup('c').transpose(), a.castTo(DataType.DOUBLE)}) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, DenseSoftmaxOutputLayer.rowMajor(layout));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {4, 5, 6}, DenseSoftmaxOutputLayer.rowMajor(a.getRow(1)));
    }
}
