package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.report.MetricsCsv;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training through Spark in <em>rounds</em> of parameter averaging, with the suite's checkpoints.
 *
 * <p>One round: the driver broadcasts the parameters (and Adam's state); each of the {@code workers} executors
 * fits {@code averagingFrequency} mini-batches of {@code batchPerWorker} examples on its own copy; the driver
 * averages the copies' parameters and updater state. That is DL4J's {@link ParameterAveragingTrainingMaster};
 * this loop hands it exactly one round's examples per {@code fit} call (the epoch's examples in a seeded order,
 * cut into rounds of {@code workers × batchPerWorker × averagingFrequency}), so that after every round it can
 * validate on the driver, record the round's timings, and write {@code checkpoints/last.zip} — which
 * {@code --resume} continues from, at the next round.
 *
 * @param <T> one training example as the RDD holds it (compact: e.g. a window of character indices), turned into
 *            a one-example {@link DataSet} on the executors by {@code toDataSet}
 */
final class SparkRounds<T> {
    /**
     * @param workers            executors (or local threads) that train in parallel
     * @param batchPerWorker     examples per mini-batch on a worker
     * @param averagingFrequency mini-batches each worker fits between two averagings
     * @param epochs             passes over the training examples
     * @param validateEvery      validate after every so many rounds (and after the last)
     * @param maxRounds          stop after this many rounds in this run (0 = no limit): a checkpoint, {@code --resume} continues
     * @param sharing            DL4J's SharedTrainingMaster (gradient sharing through a parameter server) instead of
     *                           averaging; a "round" is then one {@code fit} call of the same size, between checkpoints
     */
    record Settings(int workers, int batchPerWorker, int averagingFrequency, int epochs, long seed, int validateEvery, int maxRounds,
                    boolean sharing) {
        int examplesPerRound() {
            return workers * batchPerWorker * averagingFrequency;
        }
    }

    /** What the loop returns: the best network by validation loss, the state, whether it stopped early (--max-rounds). */
    record Result(MultiLayerNetwork best, TrainState state, List<Map<String, Double>> rounds, boolean interrupted) {
    }

    private final JavaSparkContext sc;
    private final Settings settings;
    private final JavaPairRDD<T, Long> examples;      // every training example with its index, cached
    private final long count;
    private final org.apache.spark.api.java.function.Function<T, DataSet> toDataSet;
    private final double unitsPerExample;
    private final double stepsPerExample;
    private final int updatesPerMiniBatch;

    /**
     * @param examples        the training examples (cached here)
     * @param unitsPerExample what one example counts as (a window of 1,000 characters: 1000)
     * @param stepsPerExample DL4J's score of a mini-batch sums over this many time steps (the loss is reported per step)
     * @param updatesPerMiniBatch optimiser steps one mini-batch makes (truncated BPTT: one per segment of a window)
     */
    SparkRounds(JavaSparkContext sc, Settings settings, JavaRDD<T> examples,
                org.apache.spark.api.java.function.Function<T, DataSet> toDataSet, double unitsPerExample, double stepsPerExample,
                int updatesPerMiniBatch) {
        this.updatesPerMiniBatch = updatesPerMiniBatch;
        this.sc = sc;
        this.settings = settings;
        this.examples = examples.zipWithIndex().cache();
        this.count = this.examples.count();
        this.toDataSet = toDataSet;
        this.unitsPerExample = unitsPerExample;
        this.stepsPerExample = stepsPerExample;
        if (count < settings.workers() * (long) settings.batchPerWorker()) {
            throw new UserException("the training data has " + count + " examples, fewer than one mini-batch per worker ("
                    + settings.workers() + " × --batch-per-worker " + settings.batchPerWorker() + ")");
        }
    }

    /** Training examples. */
    long count() {
        return count;
    }

    /** Rounds in one epoch (the last may be short). */
    int roundsPerEpoch() {
        return (int) ((count + settings.examplesPerRound() - 1) / settings.examplesPerRound());
    }

    /** The position of every example in {@code epoch}'s order: a seeded permutation, the same on every run. */
    private int[] order(int epoch) {
        return io.github.lstmsuite.common.train.ShuffledBatches.permutation((int) count, new Random(settings.seed() * 1_000_003L + epoch));
    }

    /**
     * Trains {@code fresh} (or the checkpoint's network with {@code resume}) round by round.
     *
     * @param validator validation metrics on the driver (must include {@code val_loss}, lower is better)
     * @param configJson the app configuration stored in every checkpoint
     */
    Result fit(MultiLayerNetwork fresh, Path runDir, boolean resume, Function<MultiLayerNetwork, Map<String, Double>> validator,
               String configJson) {
        Path ckpt = Trainer.checkpointDir(runDir);
        Path last = ckpt.resolve("last.zip");
        Path best = ckpt.resolve("best.zip");
        MultiLayerNetwork net = fresh;
        TrainState state = new TrainState();
        if (resume) {
            if (!Files.isRegularFile(last)) {
                throw new UserException("--resume: no checkpoint at " + last);
            }
            net = ModelZip.loadMultiLayer(last, true);
            state = ModelZip.parse(last, ModelZip.readEntry(last, Trainer.STATE_ENTRY), TrainState.class);
            System.out.printf("resuming from %s: epoch %d, round %d (%d rounds done)%n", last, state.epoch + 1, state.batchInEpoch + 1, state.step);
        }
        org.deeplearning4j.spark.api.TrainingMaster<?, ?> tm = settings.sharing() ? sharingMaster() : averagingMaster();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, tm);
        List<Map<String, Double>> rounds = new ArrayList<>();
        int perEpoch = roundsPerEpoch();
        int done = 0;
        boolean interrupted = false;
        while (state.epoch < settings.epochs()) {
            spark.getNetwork().getLayerWiseConfigurations().setEpochCount(state.epoch);   // per-epoch schedules (the workers get it with the configuration)
            Broadcast<int[]> order = sc.broadcast(order(state.epoch));
            for (int r = state.batchInEpoch; r < perEpoch; r++) {
                if (settings.maxRounds() > 0 && done >= settings.maxRounds()) {
                    interrupted = true;
                    break;
                }
                final int round = r;
                final int per = settings.examplesPerRound();
                JavaRDD<DataSet> data = examples.filter(e -> order.value()[(int) (long) e._2()] / per == round).keys().map(toDataSet);
                if (settings.sharing()) {
                    // SharedTrainingMaster fits each RDD object as one mini-batch: hand it mini-batches, not single examples
                    int b = settings.batchPerWorker();
                    data = data.mapPartitions(it -> miniBatches(it, b).iterator());
                }
                tm.setCollectTrainingStats(false);                  // fresh timings for this round
                tm.setCollectTrainingStats(true);
                long t0 = System.nanoTime();
                spark.fit(data);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long inRound = Math.min(per, count - (long) r * per);
                // Adam's bias correction counts the steps: the workers build their network from the broadcast
                // configuration, so it must carry the steps done so far, or every round would start again at step 1
                // (with the averaged moments scaled up by 1/(1 − β^1): much smaller steps)
                var conf = spark.getNetwork().getLayerWiseConfigurations();
                long miniBatchesPerWorker = (inRound + (long) settings.workers() * settings.batchPerWorker() - 1)
                        / ((long) settings.workers() * settings.batchPerWorker());
                conf.setIterationCount((int) (conf.getIterationCount() + miniBatchesPerWorker * updatesPerMiniBatch));
                state.step++;
                state.batchInEpoch = r + 1;
                state.examples += inRound;
                state.trainSeconds += seconds;
                // SharedTrainingMaster does not report the workers' score (it stays 0): no training-loss point then
                double loss = settings.sharing() ? Double.NaN : spark.getScore() / stepsPerExample;
                if (!Double.isNaN(loss)) {
                    state.recordStep(state.step, loss);
                }
                done++;

                LinkedHashMap<String, Double> row = new LinkedHashMap<>();
                row.put("epoch", (double) (state.epoch + 1));
                row.put("step", (double) state.step);
                row.put("examples_seen", (double) state.examples);
                row.put("units_seen", state.examples * unitsPerExample);
                row.put("train_loss", loss);
                row.put("round_seconds", seconds);
                row.putAll(timings(spark.getSparkTrainingStats()));
                boolean lastOne = r + 1 == perEpoch && state.epoch + 1 == settings.epochs();
                boolean validate = state.step % settings.validateEvery() == 0 || lastOne
                        || (settings.maxRounds() > 0 && done >= settings.maxRounds());
                if (validate) {
                    row.putAll(validator.apply(spark.getNetwork()));
                    double v = row.get("val_loss");
                    if (state.best == null || v < state.best) {
                        state.best = v;
                        state.bestEpoch = state.epoch + 1;
                        save(spark.getNetwork(), best, state, configJson);
                    }
                }
                state.history.add(row);
                rounds.add(row);
                System.out.println(roundLine(row, r + 1, perEpoch));
                MetricsCsv.write(runDir.resolve("metrics.csv"), state.history);
                Trainer.writeLossCurve(runDir.resolve("loss_curve.csv"), state.curve);
                save(spark.getNetwork(), last, state, configJson);
            }
            if (interrupted) {
                break;
            }
            state.epoch++;
            state.batchInEpoch = 0;
            order.destroy();
        }
        Charts.learningCurves(runDir.resolve("learning_curves.png"), state.curve, state.history);
        if (interrupted) {
            System.out.println("stopped after " + done + " round(s) (--max-rounds): checkpoint " + last
                    + " (continue with --resume --output-dir " + runDir + ")");
        }
        MultiLayerNetwork result = Files.isRegularFile(best) ? ModelZip.loadMultiLayer(best, false) : spark.getNetwork();
        return new Result(result, state, rounds, interrupted);
    }

    private ParameterAveragingTrainingMaster averagingMaster() {
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(1)   // one example per RDD object
                .batchSizePerWorker(settings.batchPerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)   // no export of the data to files between rounds
                .repartionData(Repartition.Always)
                .storageLevel(null)                                // the round's data is computed from the cached examples
                .saveUpdater(true)                                 // Adam's moments are averaged too, and kept
                .rngSeed(settings.seed())
                .collectTrainingStats(true)
                .build();
        tm.setNumWorkers(settings.workers());
        return tm;
    }

    /**
     * DL4J's gradient sharing: every worker sends its threshold-encoded updates to the others through a parameter
     * server (Aeron over UDP) after each mini-batch; the driver's address is the controller.
     */
    private org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster sharingMaster() {
        String driver = sc.getConf().get("spark.driver.host", "127.0.0.1");
        org.nd4j.parameterserver.distributed.conf.VoidConfiguration vc = org.nd4j.parameterserver.distributed.conf.VoidConfiguration.builder()
                .portSupplier(new FreeUdpPort())
                .controllerAddress(driver)
                .networkMask(driver.startsWith("127.") ? "127.0.0.0/8" : null)
                .build();
        return new org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster.Builder(vc, settings.batchPerWorker())
                .batchSizePerWorker(settings.batchPerWorker())
                .workersPerNode(1)
                .rngSeed(settings.seed())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .collectTrainingStats(true)
                .build();
    }

    /** Consecutive examples merged into mini-batches of {@code b} (the last one of a partition may be smaller). */
    static List<DataSet> miniBatches(java.util.Iterator<DataSet> examples, int b) {
        List<DataSet> out = new ArrayList<>();
        List<DataSet> group = new ArrayList<>(b);
        while (examples.hasNext()) {
            group.add(examples.next());
            if (group.size() == b || !examples.hasNext()) {
                out.add(DataSet.merge(group));
                group = new ArrayList<>(b);
            }
        }
        return out;
    }

    private static void save(MultiLayerNetwork net, Path file, TrainState state, String configJson) {
        ModelZip.save(net, file, true, Map.of(Trainer.STATE_ENTRY, Json.write(state), Trainer.CONFIG_ENTRY, configJson));
    }

    /**
     * One round's time split, from DL4J's training statistics: the driver serialising and broadcasting the
     * parameters, the workers fetching them and building their network, the workers' fitting (compute; the mean
     * and the slowest worker), and the driver's aggregation (collecting and summing the workers' parameters:
     * serialisation and network, plus waiting for the slowest worker).
     */
    static Map<String, Double> timings(SparkTrainingStats stats) {
        Map<String, Double> t = new LinkedHashMap<>();
        if (stats == null) {
            return t;
        }
        Map<String, List<EventStats>> all = new LinkedHashMap<>();
        for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
            for (String key : s.getKeySet()) {
                List<EventStats> v = s.getValue(key);
                if (v != null) {
                    all.put(key, v);
                }
            }
        }
        t.put("broadcast_ms", sum(all.get("ParameterAveragingMasterBroadcastCreateTimesMs")));
        t.put("worker_fetch_ms", meanPerWorker(all.get("ParameterAveragingWorkerBroadcastGetValueTimeMs")));
        t.put("worker_init_ms", meanPerWorker(all.get("ParameterAveragingWorkerInitTimeMs")));
        Map<String, Double> perWorker = perWorker(all.get("ParameterAveragingWorkerFitTimesMs"));
        t.put("compute_ms_mean", perWorker.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
        t.put("compute_ms_max", perWorker.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));
        t.put("aggregate_ms", sum(all.get("ParameterAveragingMasterAggregateTimesMs")));
        t.put("apply_ms", sum(all.get("ParameterAveragingMasterProcessParamsUpdaterTimesMs")));
        return t;
    }

    private static double sum(List<EventStats> events) {
        return events == null ? 0 : events.stream().mapToLong(EventStats::getDurationMs).sum();
    }

    /** Time per worker (by machine and JVM and thread), summed over its events. */
    private static Map<String, Double> perWorker(List<EventStats> events) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (events != null) {
            for (EventStats e : events) {
                m.merge(e.getMachineID() + "/" + e.getJvmID() + "/" + e.getThreadID(), (double) e.getDurationMs(), Double::sum);
            }
        }
        return m;
    }

    private static double meanPerWorker(List<EventStats> events) {
        return perWorker(events).values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static String roundLine(Map<String, Double> row, int round, int perEpoch) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d round %d/%d: %s", row.get("epoch").intValue(), round, perEpoch,
                Progress.formatSeconds(row.get("round_seconds"))));
        if (!Double.isNaN(row.get("train_loss"))) {
            sb.append(String.format(", train_loss %.4f", row.get("train_loss")));
        }
        if (row.containsKey("val_loss")) {
            sb.append(String.format("  val_loss %.4f", row.get("val_loss")));
        }
        if (row.getOrDefault("compute_ms_mean", 0.0) == 0) {
            return sb.toString();                               // SharedTrainingMaster: no per-worker timings
        }
        sb.append(String.format("  (compute %.1f s per worker, slowest %.1f s; broadcast %.2f s, aggregate %.2f s)",
                row.getOrDefault("compute_ms_mean", 0.0) / 1000, row.getOrDefault("compute_ms_max", 0.0) / 1000,
                row.getOrDefault("broadcast_ms", 0.0) / 1000, row.getOrDefault("aggregate_ms", 0.0) / 1000));
        return sb.toString();
    }
}
