package io.github.lstmsuite.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.report.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The training loop: learning, checkpoints, and a resumed run equal to an uninterrupted one. */
class TrainerTest {
    @TempDir
    Path dir;

    private static final int N = 256;
    private static final int T = 6;
    private static final float[][][] X = new float[N][2][T];
    private static final int[] Y = new int[N];

    static {
        // class = whether feature 0 summed over time is positive: the LSTM must integrate over time
        Random r = new Random(7);
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int t = 0; t < T; t++) {
                X[i][0][t] = (float) r.nextGaussian();
                X[i][1][t] = (float) r.nextGaussian();
                sum += X[i][0][t];
            }
            Y[i] = sum > 0 ? 1 : 0;
        }
    }

    private static DataSet batch(int[] idx) {
        float[] f = new float[idx.length * 2 * T];
        float[] l = new float[idx.length * 2];
        for (int b = 0; b < idx.length; b++) {
            for (int c = 0; c < 2; c++) {
                System.arraycopy(X[idx[b]][c], 0, f, (b * 2 + c) * T, T);
            }
            l[b * 2 + Y[idx[b]]] = 1;
        }
        return new DataSet(Nd4j.create(f, new long[] {idx.length, 2, T}, 'c'), Nd4j.create(l, new long[] {idx.length, 2}, 'c'));
    }

    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.FLOAT).updater(new Adam(0.02)).list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(2).nOut(8).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2)
                        .activation(Activation.SOFTMAX).dropOut(0.7).build())   // dropout: the RNG must be restored too
                .setInputType(InputType.recurrent(2, T)).build());
        net.init();
        return net;
    }

    private static Map<String, Double> validate(MultiLayerNetwork net) {
        DataSet all = batch(java.util.stream.IntStream.range(0, N).toArray());
        Evaluation e = new Evaluation(2);
        e.eval(all.getLabels(), net.output(all.getFeatures(), false));
        return Map.of("val_accuracy", e.accuracy());
    }

    private Trainer.Result<MultiLayerNetwork> train(Path runDir, int epochs, boolean resume, long maxSteps) throws Exception {
        TrainerConfig cfg = new TrainerConfig(epochs, 11, runDir, resume, Duration.ofHours(1), maxSteps,
                "val_accuracy", true, 0);
        Trainer<MultiLayerNetwork> t = new Trainer<>(cfg, new ShuffledBatches(N, 32, 11, TrainerTest::batch),
                TrainerTest::validate, "{\"app\":\"test\"}", new Progress(new PrintStream(OutputStream.nullOutputStream()), false, 1e9));
        return t.fit(net());
    }

    @Test
    void learnsAndWritesMetricsChartsAndCheckpoints() throws Exception {
        Trainer.Result<MultiLayerNetwork> r = train(dir, 6, false, 0);
        assertFalse(r.interrupted());
        assertEquals(6, r.state().epoch);
        assertEquals(6 * 8, r.state().step);
        double acc = validate(r.network()).get("val_accuracy");
        assertTrue(acc > 0.85, "a 2-feature summing task should be learnt, accuracy " + acc);
        double firstLoss = r.state().history.get(0).get("train_loss");
        double lastLoss = r.state().history.get(5).get("train_loss");
        assertTrue(lastLoss < firstLoss * 0.7, firstLoss + " -> " + lastLoss);
        for (String f : new String[] {"metrics.csv", "learning_curves.png", "checkpoints/last.zip", "checkpoints/best.zip"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertEquals(7, Files.readAllLines(dir.resolve("metrics.csv")).size(), "header + 6 epochs");
        assertEquals("{\"app\":\"test\"}", ModelZip.readEntry(dir.resolve("checkpoints/last.zip"), Trainer.CONFIG_ENTRY));
        // the returned network is the best epoch's
        assertEquals(r.state().best, acc, 1e-9);
    }

    @Test
    void aResumedRunEndsExactlyLikeAnUninterruptedOne() throws Exception {
        Trainer.Result<MultiLayerNetwork> full = train(dir.resolve("full"), 3, false, 0);

        Path split = dir.resolve("split");
        Trainer.Result<MultiLayerNetwork> killed = train(split, 3, false, 11);   // stops mid epoch 2
        assertTrue(killed.interrupted());
        TrainState saved = Json.read(ModelZip.readEntry(split.resolve("checkpoints/last.zip"), Trainer.STATE_ENTRY), TrainState.class);
        assertEquals(11, saved.step, "the checkpoint holds every completed step");
        assertEquals(1, saved.epoch);
        assertEquals(3, saved.batchInEpoch);

        Trainer.Result<MultiLayerNetwork> resumed = train(split, 3, true, 0);
        assertFalse(resumed.interrupted());
        assertEquals(full.state().step, resumed.state().step);
        assertEquals(full.network().params(), resumed.network().params(), "parameters identical");
        assertEquals(full.state().history.size(), resumed.state().history.size());
        for (int e = 0; e < 3; e++) {
            assertEquals(full.state().history.get(e).get("train_loss"), resumed.state().history.get(e).get("train_loss"), 1e-6);
            assertEquals(full.state().history.get(e).get("val_accuracy"), resumed.state().history.get(e).get("val_accuracy"));
        }
    }

    @Test
    void resumingWithFewerEpochsReturnsTheBestEpochNotAPartlyTrainedOne() throws Exception {
        Path run = dir.resolve("cut");
        Trainer.Result<MultiLayerNetwork> killed = train(run, 3, false, 11);    // 1 epoch done, 3 batches into the 2nd
        assertTrue(killed.interrupted());
        Trainer.Result<MultiLayerNetwork> ended = train(run, 1, true, 0);       // --resume --epochs 1: ends at once
        assertFalse(ended.interrupted());
        MultiLayerNetwork best = ModelZip.loadMultiLayer(run.resolve("checkpoints/best.zip"), false);
        assertEquals(best.params(), ended.network().params(), "the epoch-1 network, not the one 3 batches into epoch 2");
    }

    @Test
    void aDamagedLastCheckpointFallsBackToThePreviousOne() throws Exception {
        Trainer.Result<MultiLayerNetwork> full = train(dir.resolve("whole"), 2, false, 0);
        Path run = dir.resolve("damaged");
        assertTrue(train(run, 2, false, 11).interrupted());               // last.zip at step 11, previous.zip at step 8
        Path last = run.resolve("checkpoints/last.zip");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length / 2));   // truncated, as by a full disk
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/previous.zip")));
        Trainer.Result<MultiLayerNetwork> resumed = train(run, 2, true, 0);
        assertEquals(full.network().params(), resumed.network().params(), "same end as an uninterrupted run");
        // neither usable: one line
        Files.write(last, new byte[] {1, 2, 3});
        Files.write(run.resolve("checkpoints/previous.zip"), new byte[] {4});
        io.github.lstmsuite.common.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.lstmsuite.common.UserException.class, () -> train(run, 2, true, 0));
        assertTrue(e.getMessage().startsWith("--resume: no usable checkpoint in "), e.getMessage());
    }

    @Test
    void aNaNFirstValidationValueDoesNotFreezeTheBest() throws Exception {
        double[] values = {Double.NaN, 0.5, 0.6, 0.55};
        int[] calls = {0};
        TrainerConfig cfg = new TrainerConfig(4, 11, dir.resolve("nan"), false, Duration.ofHours(1), 0,
                "val_accuracy", true, 2);
        Trainer<MultiLayerNetwork> t = new Trainer<>(cfg, new ShuffledBatches(N, 64, 11, TrainerTest::batch),
                n -> Map.of("val_accuracy", values[calls[0]++]), "{}",
                new Progress(new PrintStream(OutputStream.nullOutputStream()), false, 1e9));
        Trainer.Result<MultiLayerNetwork> r = t.fit(net());
        // epoch 1 (NaN) is no best; 0.5 then 0.6 improve; 0.55 does not (once: patience 2 is not reached)
        assertEquals(3, r.state().bestEpoch);
        assertEquals(0.6, r.state().best, 0.0);
        assertEquals(4, r.state().epoch);
        assertFalse(r.state().stoppedEarly);
    }

    @Test
    void shuffledBatchesAreAPermutationFixedBySeedAndEpoch() {
        ShuffledBatches a = new ShuffledBatches(10, 3, 5, idx -> null);
        ShuffledBatches b = new ShuffledBatches(10, 3, 5, idx -> null);
        assertEquals(4, a.batchesPerEpoch());
        int[] o0 = a.order(0).clone();
        assertEquals(java.util.Arrays.toString(o0), java.util.Arrays.toString(b.order(0)));
        assertFalse(java.util.Arrays.equals(o0, a.order(1)), "a new order each epoch");
        int[] sorted = o0.clone();
        java.util.Arrays.sort(sorted);
        assertEquals(java.util.Arrays.toString(java.util.stream.IntStream.range(0, 10).toArray()), java.util.Arrays.toString(sorted));
    }
}
