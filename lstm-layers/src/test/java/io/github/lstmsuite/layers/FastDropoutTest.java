package io.github.lstmsuite.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastDropout: DL4J's inverted dropout (keep with p, scale by 1/p), its backward pass on the same mask, seeded masks. */
class FastDropoutTest {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    private static INDArray forward(FastDropout d, INDArray in, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return d.applyDropout(in, Nd4j.createUninitialized(in.dataType(), in.shape(), in.ordering()), 0, 0, NO_WS);
    }

    /** Every element is 0 or x·(1/p) in float, and about p of them are kept. */
    private static void assertInvertedDropout(INDArray in, INDArray out, double p, double tolerance) {
        float scale = 1.0f / (float) p;
        long kept = 0;
        float[] x = in.dup('c').data().asFloat(), y = out.dup('c').data().asFloat();       // logical order
        for (int i = 0; i < x.length; i++) {
            float xi = x[i], yi = y[i];
            if (yi != 0) {
                assertEquals(xi * scale, yi, 0f, "a kept element is x·(1/p)");
                kept++;
            }
        }
        assertEquals(p, kept / (double) x.length, tolerance, "fraction kept");
    }

    @Test
    void keepsAboutPAndScalesByOneOverP() {
        for (double p : new double[] {0.8, 0.5, 0.1}) {
            INDArray in = Nd4j.rand(DataType.FLOAT, 64, 40, 50).addi(0.1);        // 128 K elements: both workers
            assertInvertedDropout(in, forward(new FastDropout(p), in, 7), p, 0.005);
        }
        INDArray in = Nd4j.rand(DataType.FLOAT, 3, 5, 7).addi(0.1);                // smaller than a bit word, odd length
        INDArray out = forward(new FastDropout(1.0), in, 7);
        assertEquals(in, out, "p = 1 keeps everything");
    }

    @Test
    void backwardUsesTheForwardMask() {
        FastDropout d = new FastDropout(0.6);
        INDArray in = Nd4j.ones(DataType.FLOAT, 32, 30, 20).dup('f');
        INDArray out = forward(d, in, 11);
        assertEquals('f', out.ordering());
        INDArray grad = Nd4j.ones(DataType.FLOAT, 32, 30, 20).dup('f');
        d.backprop(grad, grad, 0, 0);                                               // in place, as DL4J's layers call it
        assertEquals(out, grad, "∂out/∂in = mask · (1/p)");

        INDArray out2 = forward(d, in, 11);
        INDArray gradC = Nd4j.ones(DataType.FLOAT, 32, 30, 20).muli(3);       // the gradient in the other order
        d.backprop(gradC, gradC, 0, 0);
        assertEquals(out2.mul(3), gradC, "same mask whatever the gradient's layout");
    }

    @Test
    void sameSeedSameMaskForAnyNumberOfWorkers() {
        INDArray in = Nd4j.rand(DataType.FLOAT, 64, 64, 30);
        INDArray a = forward(new FastDropout(0.7), in, 3), b = forward(new FastDropout(0.7), in, 3);
        assertEquals(a, b, "same ND4J seed, same mask");
        assertNotEquals(a, forward(new FastDropout(0.7), in, 4), "another seed, another mask");
        INDArray one = SystemProperty.with("lstm.suite.workers", "1", () -> forward(new FastDropout(0.7), in, 3));
        assertEquals(a, one, "one worker draws the same two streams");
    }

    @Test
    void inPlaceAndDl4jsPathForOtherLayouts() {
        INDArray in = Nd4j.rand(DataType.FLOAT, 16, 20, 30).addi(0.1);
        INDArray copy = in.dup();
        Nd4j.getRandom().setSeed(5);
        FastDropout d = new FastDropout(0.5);
        INDArray same = d.applyDropout(in, in, 0, 0, NO_WS);                        // DL4J's layers do this when allowed
        assertInvertedDropout(copy, same, 0.5, 0.02);

        INDArray view = Nd4j.rand(DataType.FLOAT, 30, 20, 16).addi(0.1).permute(2, 1, 0);   // not the default strides
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, view.shape(), 'c');
        d.applyDropout(view, out, 0, 0, NO_WS);                                     // copied into out, then the Java loop
        assertInvertedDropout(view.dup('c'), out, 0.5, 0.02);
        INDArray grad = Nd4j.ones(DataType.FLOAT, view.shape());
        d.backprop(grad, grad, 0, 0);
        assertEquals(out.div(view).castTo(DataType.FLOAT), grad, "the same mask in the backward pass");

        INDArray outView = Nd4j.createUninitialized(DataType.FLOAT, 30, 20, 16).permute(2, 1, 0);
        d.applyDropout(view, outView, 0, 0, NO_WS);                                 // an output view: DL4J's ops
        assertInvertedDropout(view.dup('c'), outView, 0.5, 0.02);
        INDArray grad2 = Nd4j.ones(DataType.FLOAT, view.shape());
        d.backprop(grad2, grad2, 0, 0);
        assertEquals(outView.div(view).castTo(DataType.FLOAT), grad2, "DL4J's mask, kept for DL4J's backward");
    }

    @Test
    void scheduleSetsTheProbability() {
        FastDropout d = new FastDropout(new MapSchedule(ScheduleType.EPOCH, java.util.Map.of(0, 0.9, 1, 0.3)));
        INDArray in = Nd4j.rand(DataType.FLOAT, 64, 100, 20).addi(0.1);
        Nd4j.getRandom().setSeed(1);
        assertInvertedDropout(in, d.applyDropout(in, in.ulike(), 0, 0, NO_WS), 0.9, 0.005);
        assertInvertedDropout(in, d.applyDropout(in, in.ulike(), 0, 1, NO_WS), 0.3, 0.005);
    }

    @Test
    void aNetworkTrainsSavesAndLoadsWithIt() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(32).activation(Activation.TANH).dropOut(new FastDropout(0.8)).build())
                .layer(new OutputLayer.Builder().nIn(32).nOut(2).dropOut(new FastDropout(0.9)).build())
                .setInputType(InputType.feedForward(6)).build();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertInstanceOf(FastDropout.class, back.getConf(0).getLayer().getIDropout());
        assertEquals(0.8, ((Dropout) back.getConf(0).getLayer().getIDropout()).getP());

        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 128, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 128, 2);
        for (int i = 0; i < 128; i++) {
            y.putScalar(i, x.getDouble(i, 0) + x.getDouble(i, 1) > 0 ? 0 : 1, 1);
        }
        DataSet d = new DataSet(x, y);
        double before = net.score(d);
        for (int i = 0; i < 100; i++) {
            net.fit(d);
        }
        assertTrue(net.score(d) < 0.5 * before, "trains: " + before + " → " + net.score(d));
        INDArray inference = net.output(x);
        assertEquals(inference, net.output(x), "no dropout at inference");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(FastDropout.class, restored.getLayerWiseConfigurations().getConf(1).getLayer().getIDropout());
        assertEquals(inference, restored.output(x));
    }
}
