package io.github.lstmsuite.common.train;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.layers.FastUpdater;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.report.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The suite's training loop, shared by every app.
 *
 * <p>Per step: re-seed ND4J's generator from (seed, step) so dropout and sampling are the same after
 * a restart, fit one mini-batch, track the loss per time step. At every epoch end: validate, append
 * a row to {@code metrics.csv}, redraw the learning-curve chart, save {@code checkpoints/last.zip}
 * (and {@code best.zip} when the monitored metric improved), and apply early stopping. Inside an
 * epoch, {@code last.zip} is also written every {@link TrainerConfig#checkpointInterval()}, so a
 * killed run loses at most that much work, and on Ctrl-C (SIGINT/SIGTERM) before the JVM exits.
 * {@code --resume} restores parameters, updater state (Adam's moments and step count), the data
 * position and the metric history: with the same seed it ends with the same numbers as a run that
 * was never interrupted.
 *
 * @param <N> {@link MultiLayerNetwork} or {@link ComputationGraph}
 */
public final class Trainer<N extends Model & NeuralNetwork> {
    /** Entry name of the training state inside a checkpoint. */
    public static final String STATE_ENTRY = "state.json";
    /** Entry name of the app's configuration inside a checkpoint or model file. */
    public static final String CONFIG_ENTRY = "config.json";

    private final TrainerConfig config;
    private final Batches batches;
    private final Function<N, Map<String, Double>> validator;
    private final String appConfigJson;
    private final Progress progress;
    private final List<org.deeplearning4j.optimize.api.TrainingListener> listeners;

    /**
     * @param validator     validation metrics of the network after an epoch (e.g. {@code val_loss},
     *                      {@code val_accuracy}), or {@code null} for none
     * @param appConfigJson the app's configuration, stored in every checkpoint
     */
    public Trainer(TrainerConfig config, Batches batches, Function<N, Map<String, Double>> validator,
                   String appConfigJson, Progress progress) {
        this(config, batches, validator, appConfigJson, progress, List.of());
    }

    /**
     * As above, with {@code listeners} added to the network being trained (e.g. the live view of {@code --ui});
     * they are never stored in a checkpoint.
     */
    public Trainer(TrainerConfig config, Batches batches, Function<N, Map<String, Double>> validator,
                   String appConfigJson, Progress progress, List<org.deeplearning4j.optimize.api.TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.config = config;
        this.batches = batches;
        this.validator = validator;
        this.appConfigJson = appConfigJson;
        this.progress = progress;
    }

    /**
     * The app configuration stored in {@code runDir}'s last checkpoint, for {@code --resume}; a missing
     * folder or checkpoint is a user error.
     */
    public static <T> T resumeConfig(Path runDir, Class<T> type) {
        if (runDir == null) {
            throw new UserException("--resume needs --output-dir: the run folder to continue");
        }
        if (java.nio.file.Files.isDirectory(runDir)) {
            io.github.lstmsuite.common.report.RunDirs.checkNotLocked(runDir);
        }
        Path last = resumable(runDir, null);
        return ModelZip.parse(last, ModelZip.readEntry(last, CONFIG_ENTRY), type);
    }

    /**
     * The checkpoint {@code --resume} continues from: {@code last.zip}, or — when it is missing, truncated
     * or damaged (a crash or a full disk at the wrong moment) — the one before it, {@code previous.zip},
     * with a warning. Neither usable is a one-line user error.
     */
    static Path resumable(Path runDir, Progress progress) {
        Path dir = checkpointDir(runDir);
        Path last = dir.resolve("last.zip");
        Path previous = dir.resolve("previous.zip");
        String problem = null;
        for (Path p : new Path[] {last, previous}) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            try {
                String stateJson = ModelZip.readEntry(p, STATE_ENTRY);
                if (stateJson == null || ModelZip.readEntry(p, CONFIG_ENTRY) == null) {
                    throw new UserException(p + ": a checkpoint without its training state");
                }
                ModelZip.parse(p, stateJson, TrainState.class);
                if (p == previous) {
                    String msg = "warning: " + last + (problem == null ? " is missing" : " is unusable (" + problem + ")")
                            + "; resuming from the checkpoint before it, " + previous;
                    if (progress != null) {       // null: a silent look (resumeConfig); fit() says it
                        progress.println(msg);
                    }
                }
                return p;
            } catch (UserException e) {
                if (p == last) {
                    problem = e.getMessage();
                } else {
                    throw new UserException("--resume: no usable checkpoint in " + dir + " (" + problem + "; and " + e.getMessage() + ")");
                }
            }
        }
        throw new UserException("--resume: no checkpoint at " + last + (problem == null ? "" : " (" + problem + ")"));
    }

    /** The checkpoint folder of a run folder. */
    public static Path checkpointDir(Path runDir) {
        return runDir.resolve("checkpoints");
    }

    /** What {@link #fit} returns: the trained network (the best one if validation ran) and the state. */
    public record Result<N>(N network, TrainState state, boolean interrupted) {
    }

    /**
     * Trains {@code fresh} (or, with {@code resume}, the network of the last checkpoint) and returns
     * the best network by the monitored metric (the last one without validation).
     */
    @SuppressWarnings("unchecked")
    public Result<N> fit(N fresh) throws InterruptedException {
        Path ckptDir = checkpointDir(config.runDir());
        Path last = ckptDir.resolve("last.zip");
        Path best = ckptDir.resolve("best.zip");
        N net = fresh;
        TrainState state = new TrainState();
        if (config.resume()) {
            Path from = resumable(config.runDir(), progress);
            try {
                net = (N) load(fresh, from, true);
            } catch (UserException damaged) {       // whole as a zip, damaged inside (its parameters): the one before
                Path previous = checkpointDir(config.runDir()).resolve("previous.zip");
                if (!from.equals(last) || !Files.isRegularFile(previous)) {
                    throw damaged;
                }
                progress.println("warning: " + damaged.getMessage() + "; resuming from the checkpoint before it, " + previous);
                from = previous;
                net = (N) load(fresh, from, true);
            }
            state = ModelZip.parse(from, ModelZip.readEntry(from, STATE_ENTRY), TrainState.class);
            progress.println(String.format("resuming from %s: epoch %d, batch %d, step %d",
                    from, state.epoch + 1, state.batchInEpoch, state.step));
        }

        batches.useNetwork(net);
        FastUpdater.install(net);                                        // the updater's step without DL4J's per-step views
        OptimizerThreads optimizerThreads = new OptimizerThreads();     // the optimizer's step on two threads (large models)
        net.addListeners(optimizerThreads);
        if (!listeners.isEmpty()) {
            net.addListeners(listeners.toArray(new org.deeplearning4j.optimize.api.TrainingListener[0]));
        }
        StopSignal stop = StopSignal.install();
        boolean interrupted = false;
        try {
            long lastCheckpoint = System.nanoTime();
            int n = batches.batchesPerEpoch();
            while (state.epoch < config.epochs() && !state.stoppedEarly) {
                setEpochCount(net, state.epoch);
                long epochStart = System.nanoTime();
                long epochExamples = 0;
                double epochSeconds = 0;
                for (int b = state.batchInEpoch; b < n; b++) {
                    org.nd4j.linalg.dataset.api.MultiDataSet multi = batches.multiBatch(state.epoch, b);
                    DataSet batch = multi == null ? batches.batch(state.epoch, b) : null;
                    long t0 = System.nanoTime();
                    Nd4j.getRandom().setSeed(config.seed() * 1_000_003L + state.step);
                    if (multi != null) {
                        net.fit(multi);
                    } else {
                        net.fit(batch);
                    }
                    double stepSeconds = (System.nanoTime() - t0) / 1e9;
                    double loss = net.score() / (multi != null ? batches.stepsPerExample(multi) : batches.stepsPerExample(batch));
                    if (!Double.isFinite(loss)) {
                        throw new UserException("training diverged at step " + state.step + " (loss " + loss
                                + "): lower --learning-rate");
                    }
                    int size = multi != null ? (int) multi.getFeatures(0).size(0) : batch.numExamples();
                    state.step++;
                    state.recordStep(state.step, loss);
                    state.examples += size;
                    state.batchInEpoch = b + 1;
                    state.epochLossSum += loss;
                    state.epochLossCount++;
                    state.trainSeconds += stepSeconds;
                    epochExamples += size;
                    epochSeconds += stepSeconds;
                    double sps = epochExamples / Math.max(epochSeconds, 1e-9);
                    double eta = (n - b - 1) * (double) size / sps;
                    progress.update(state.epoch + 1, config.epochs(), b + 1, n, sps, eta,
                            state.epochLossSum / state.epochLossCount);
                    boolean limit = config.maxSteps() > 0 && state.step >= config.maxSteps();
                    boolean timed = System.nanoTime() - lastCheckpoint > config.checkpointInterval().toNanos();
                    if ((limit || timed || stop.requested()) && b + 1 < n) {
                        saveCheckpoint(net, last, state);
                        lastCheckpoint = System.nanoTime();
                    }
                    if (limit || stop.requested()) {
                        interrupted = true;
                        break;
                    }
                }
                if (interrupted && state.batchInEpoch < n) {
                    break;
                }
                // ---- epoch end: validate, record, checkpoint, early stopping
                LinkedHashMap<String, Double> row = new LinkedHashMap<>();
                row.put("epoch", (double) (state.epoch + 1));
                row.put("step", (double) state.step);
                row.put("train_loss", state.epochLossSum / Math.max(1, state.epochLossCount));
                row.put("train_seconds", state.trainSeconds);
                row.put("train_samples_per_s", epochExamples / Math.max(epochSeconds, 1e-9));
                if (validator != null) {
                    row.putAll(validator.apply(net));
                }
                state.history.add(row);
                state.epoch++;
                state.batchInEpoch = 0;
                state.epochLossSum = 0;
                state.epochLossCount = 0;
                double value = row.getOrDefault(config.monitoredMetric(), Double.NaN);
                // A NaN validation value never counts as an improvement, and a NaN best (from a checkpoint of
                // an older version) counts as none: the first finite value becomes the best.
                boolean noBest = state.best == null || Double.isNaN(state.best);
                boolean improved = !Double.isNaN(value) && (noBest
                        || (config.monitoredHigherIsBetter() ? value > state.best : value < state.best));
                if (Double.isNaN(value)) {
                    progress.println("warning: " + config.monitoredMetric() + " is NaN after epoch " + state.epoch
                            + ": not counted as an improvement");
                }
                if (improved) {
                    state.best = value;
                    state.bestEpoch = state.epoch;
                    state.epochsWithoutImprovement = 0;
                } else {
                    state.epochsWithoutImprovement++;
                    if (config.patience() > 0 && state.epochsWithoutImprovement >= config.patience()) {
                        state.stoppedEarly = true;
                    }
                }
                progress.println(epochLine(row, (System.nanoTime() - epochStart) / 1e9, epochSeconds, progress));
                MetricsCsv.write(config.runDir().resolve("metrics.csv"), state.history);
                writeLossCurve(config.runDir().resolve("loss_curve.csv"), state.curve);
                Charts.learningCurves(config.runDir().resolve("learning_curves.png"), state.curve, state.history);
                saveCheckpoint(net, last, state);
                if (improved) {                       // the same bytes: a copy, not a second serialisation
                    io.github.lstmsuite.common.report.AtomicFiles.write(best,
                            tmp -> Files.copy(last, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
                }
                lastCheckpoint = System.nanoTime();
                collectBetweenEpochs((System.nanoTime() - epochStart) / 1e9);
                if (state.stoppedEarly) {
                    progress.println(String.format("early stopping: no improvement of %s for %d epochs (best %.4f at epoch %d)",
                            config.monitoredMetric(), config.patience(), state.best, state.bestEpoch));
                }
                if (interrupted) {
                    break;
                }
            }
        } finally {
            stop.uninstall();
            optimizerThreads.restore();
            java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> attached =
                    net instanceof ComputationGraph g ? g.getListeners() : ((MultiLayerNetwork) net).getListeners();
            List<org.deeplearning4j.optimize.api.TrainingListener> rest = new java.util.ArrayList<>(attached);
            rest.remove(optimizerThreads);                                  // a later fit of this network adds its own
            net.setListeners(rest);
        }
        if (interrupted) {
            progress.println("stopped at step " + state.step + ": checkpoint " + last
                    + " (continue with --resume --output-dir " + config.resumeFolder() + ")");
            return new Result<>(net, state, true);
        }
        N result = net;
        // the best epoch's network, unless it is the one in hand: a resumed run whose --epochs ends it early may
        // hold the weights of a partly trained next epoch (batchInEpoch > 0), which must not be returned
        if (Files.isRegularFile(best) && (state.bestEpoch != state.epoch || state.batchInEpoch > 0)) {
            result = (N) load(fresh, best, false);
        }
        return new Result<>(result, state, false);
    }

    /**
     * A full garbage collection after an epoch that took more than {@value #FULL_GC_MIN_EPOCH_SECONDS} s.
     * ND4J frees an array's native memory when its Java object is collected; DL4J's arrays that outlive a
     * young collection are only collected by a full one, which a small Java heap rarely needs, so the
     * process's resident memory grows through a long run (the translator: +10 MB/s). One collection per
     * long epoch (a few hundred ms), then glibc's {@code malloc_trim} ({@code NativeMemory.release}), returns it;
     * short epochs (the forecaster's) skip it.
     */
    private static void collectBetweenEpochs(double epochSeconds) {
        if (epochSeconds > FULL_GC_MIN_EPOCH_SECONDS) {
            io.github.lstmsuite.layers.NativeMemory.release();   // collect, and give the freed native memory back
        }
    }

    private static final double FULL_GC_MIN_EPOCH_SECONDS = 10;

    /**
     * Writes a checkpoint atomically. {@code last.zip} keeps its predecessor as {@code previous.zip}: the new
     * file is complete on disk before the old one is moved aside, so at every moment one of them is whole.
     */
    private void saveCheckpoint(N net, Path file, TrainState state) {
        Map<String, String> entries = Map.of(STATE_ENTRY, Json.write(state), CONFIG_ENTRY, appConfigJson);
        if (!file.getFileName().toString().equals("last.zip")) {
            ModelZip.save(net, file, true, entries);
            return;
        }
        Path fresh = file.resolveSibling("last.new.zip");
        ModelZip.save(net, fresh, true, entries);
        try {
            if (Files.exists(file)) {
                io.github.lstmsuite.common.report.AtomicFiles.moveInto(file, file.resolveSibling("previous.zip"));
            }
            io.github.lstmsuite.common.report.AtomicFiles.moveInto(fresh, file);
        } catch (java.io.IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static Model load(Model like, Path file, boolean withUpdater) {
        return like instanceof ComputationGraph ? ModelZip.loadGraph(file, withUpdater)
                : ModelZip.loadMultiLayer(file, withUpdater);
    }

    private static void setEpochCount(Model net, int epoch) {
        if (net instanceof MultiLayerNetwork m) {
            m.getLayerWiseConfigurations().setEpochCount(epoch);
        } else if (net instanceof ComputationGraph g) {
            g.getConfiguration().setEpochCount(epoch);
        }
    }

    /** {@code step,train_loss}: the smoothed training loss per step that the learning-curve charts draw. */
    public static void writeLossCurve(Path file, List<double[]> curve) {
        StringBuilder sb = new StringBuilder("step,train_loss\n");
        for (double[] p : curve) {
            sb.append((long) p[0]).append(',').append(p[1]).append('\n');
        }
        io.github.lstmsuite.common.report.AtomicFiles.writeString(file, sb.toString());
    }

    /** One line per epoch: its wall time, the part of it spent training (what the run's final line adds up), losses, speed. */
    private static String epochLine(Map<String, Double> row, double seconds, double trainingSeconds, Progress progress) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d done in %s (training %s): train_loss %.4f",
                row.get("epoch").intValue(), Progress.formatSeconds(seconds), Progress.formatSeconds(trainingSeconds), row.get("train_loss")));
        row.forEach((k, v) -> {
            if (k.startsWith("val_")) {
                sb.append(String.format("  %s %.4f", k, v));
            }
        });
        sb.append("  (").append(progress.rate(row.get("train_samples_per_s"))).append(")");
        return sb.toString();
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM while training: instead of letting the JVM shut down mid-step (its
     * shutdown hooks, ND4J's among them, race any checkpoint write), the signal only raises a flag;
     * the loop finishes the current mini-batch, writes {@code last.zip} and returns. A second signal
     * exits at once. Where the JVM offers no signal API, the default behaviour stays (the timed
     * checkpoints still bound the loss).
     */
    private static final class StopSignal {
        private volatile boolean requested;
        private final Map<String, Object> previous = new java.util.HashMap<>();

        static StopSignal install() {
            StopSignal s = new StopSignal();
            for (String name : new String[] {"INT", "TERM"}) {
                try {
                    sun.misc.Signal signal = new sun.misc.Signal(name);
                    s.previous.put(name, sun.misc.Signal.handle(signal, sig -> {
                        if (s.requested) {
                            System.exit(128 + sig.getNumber());
                        }
                        s.requested = true;
                        System.err.println("\n" + "SIG" + sig.getName() + ": stopping after this mini-batch and writing a checkpoint (again to quit now)");
                    }));
                } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                    // no such signal on this platform (e.g. TERM handling refused): keep the default
                }
            }
            return s;
        }

        boolean requested() {
            return requested;
        }

        void uninstall() {
            previous.forEach((name, handler) -> sun.misc.Signal.handle(new sun.misc.Signal(name), (sun.misc.SignalHandler) handler));
        }
    }
}
