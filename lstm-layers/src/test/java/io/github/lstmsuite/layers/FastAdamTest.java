package io.github.lstmsuite.layers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
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
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** FastAdam: ND4J's Adam step to the last bit, in a network too, and saved and restored as Adam's state. */
class FastAdamTest {

    /** Both updaters on equal state, {@code steps} random gradients each: updates and state must be bit-identical. */
    private static void assertBitIdentical(Adam theirs, FastAdam ours, int n, int steps, DataType type) {
        INDArray viewT = Nd4j.zeros(type, 1, 2L * n), viewO = Nd4j.zeros(type, 1, 2L * n);
        GradientUpdater<?> ut = theirs.instantiate(viewT, true), uo = ours.instantiate(viewO, true);
        assertInstanceOf(FastAdam.Updater.class, uo);
        Nd4j.getRandom().setSeed(4);
        for (int it = 0; it < steps; it++) {
            INDArray g = Nd4j.randn(type, 1, n).muli(it % 7 == 0 ? 1e3 : it % 5 == 0 ? 1e-4 : 1);
            g.putScalar(0, 0, 0.0);                                      // a zero gradient: v stays 0, ε decides
            INDArray gt = g.dup(), go = g.dup();
            assertEquals(type == DataType.FLOAT, ((FastAdam.Updater) uo).javaPath(go), "Java loop for float32 only");
            ut.applyUpdater(gt, it, it / 10);
            uo.applyUpdater(go, it, it / 10);
            assertEquals(gt, go, "update at iteration " + it);
        }
        assertEquals(viewT, viewO, "state M and V");
    }

    @Test
    void sameBitsAsNd4jsAdamStep() {
        assertBitIdentical(new Adam(1e-3), new FastAdam(1e-3), 1_000, 60, DataType.FLOAT);
        assertBitIdentical(new Adam(0.02, 0.8, 0.95, 1e-6), new FastAdam(0.02, 0.8, 0.95, 1e-6), 1_000, 30, DataType.FLOAT);
        var schedule = new ExponentialSchedule(ScheduleType.EPOCH, 0.01, 0.9);
        assertBitIdentical(new Adam(schedule), new FastAdam(schedule), 1_000, 30, DataType.FLOAT);
        assertBitIdentical(new Adam(1e-3), new FastAdam(1e-3), 300_000, 5, DataType.FLOAT);     // two workers
        assertBitIdentical(new Adam(1e-3), new FastAdam(1e-3), 1_000, 5, DataType.DOUBLE);     // ND4J's own op
    }

    private static MultiLayerNetwork net(IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT)
                .updater(updater).weightInit(WeightInit.XAVIER).list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(3).nOut(6).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder().nIn(6).nOut(2).build())
                .setInputType(InputType.recurrent(3, 4)).build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    private static DataSet data() {
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 2);
        for (int b = 0; b < 8; b++) {
            y.putScalar(b, b % 2, 1);
        }
        return new DataSet(x, y);
    }

    @Test
    void trainsANetworkToTheSameBitsAndResumesFromItsState() throws Exception {
        MultiLayerNetwork theirs = net(new Adam(0.01)), ours = net(new FastAdam(0.01));
        assertInstanceOf(FastAdam.class, ((BaseLayer) ours.getLayerWiseConfigurations().getConf(1).getLayer()).getIUpdater());
        DataSet d = data();
        for (int i = 0; i < 20; i++) {
            theirs.fit(d);
            ours.fit(d);
        }
        assertEquals(theirs.params(), ours.params());
        assertEquals(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray());

        // saved with its updater state, restored, trained on: still Adam's numbers, still FastAdam
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(ours, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        IUpdater restored = ((BaseLayer) back.getLayerWiseConfigurations().getConf(1).getLayer()).getIUpdater();
        assertInstanceOf(FastAdam.class, restored);
        assertEquals(0.01, ((Adam) restored).getLearningRate(), 0);
        for (int i = 0; i < 5; i++) {
            theirs.fit(d);
            back.fit(d);
        }
        assertEquals(theirs.params(), back.params());
    }

    @Test
    void cloneKeepsTheClassAndEverySetting() {
        FastAdam a = new FastAdam(0.5, 0.7, 0.8, 1e-3);
        FastAdam c = a.clone();
        assertEquals(a, c);
        assertInstanceOf(FastAdam.class, c);
        var schedule = new ExponentialSchedule(ScheduleType.ITERATION, 0.1, 0.5);
        FastAdam s = new FastAdam(schedule).clone();
        assertEquals(schedule, s.getLearningRateSchedule());
        assertEquals(0.05, s.getLearningRate(1, 0), 1e-12);
    }
}
