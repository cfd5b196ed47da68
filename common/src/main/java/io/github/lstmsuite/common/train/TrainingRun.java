package io.github.lstmsuite.common.train;

import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.report.RunDirs;
import io.github.lstmsuite.common.report.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;

/**
 * The training lifecycle an app shares with every other: its configuration (fresh from the flags, or
 * the one stored in the checkpoint with {@code --resume}) → the run folder, locked → {@link Trainer#fit}
 * with checkpoints and early stopping → {@code model.zip} → {@code summary.json}. An app supplies only
 * what is its own: the configuration, the data, the network, its evaluation and report.
 *
 * <pre>{@code
 * try (TrainingRun<Config> run = TrainingRun.start("my-app", common, Config.class, () -> configure())) {
 *     Config cfg = run.config();
 *     Trainer.Result<MultiLayerNetwork> fit = run.fit(Model.build(cfg), batches, validator,
 *             cfg.epochs(), cfg.seed(), "val_accuracy", true, cfg.patience());
 *     run.saveModel(fit.network());
 *     RunSummary summary = run.summary(fit.state());
 *     summary.metrics.put("test_accuracy", accuracy);
 *     summary.write(run.runDir().resolve("summary.json"));
 * }
 * }</pre>
 *
 * @param <C> the app's configuration record (stored as JSON in every checkpoint and in the model)
 */
public final class TrainingRun<C> implements AutoCloseable {
    /**
     * The run-folder and checkpoint settings a training command takes (the suite's apps get them from
     * {@link CommonOptions}; a project of your own may declare just these flags).
     *
     * @param outputDir         {@code --output-dir}, or {@code null} for {@code runs/<app>/<time>}
     * @param resume            {@code --resume}: continue the run in {@code outputDir}
     * @param force             {@code --force}: empty a non-empty {@code outputDir} first
     * @param checkpointMinutes also checkpoint every so many minutes inside an epoch
     * @param maxSteps          stop after this many optimiser steps (0 = no limit)
     * @param quick             a {@code --quick} smoke run: {@code summary.json} says so, and commands that
     *                          pick the newest model pass over it while a full run exists
     * @param ui                {@code --ui}: show training live in a {@link LiveView} while the run lasts
     * @param uiWait            {@code --ui-wait}: as {@code ui}, and keep serving after the run until Ctrl-C
     */
    public record Options(Path outputDir, boolean resume, boolean force, double checkpointMinutes, long maxSteps, boolean quick,
                          boolean ui, boolean uiWait) {
        /** A full (not {@code --quick}) run's settings, without a live view. */
        public Options(Path outputDir, boolean resume, boolean force, double checkpointMinutes, long maxSteps) {
            this(outputDir, resume, force, checkpointMinutes, maxSteps, false, false, false);
        }

        /** The settings of the suite's {@link CommonOptions}. */
        public static Options of(CommonOptions c) {
            return new Options(c.outputDir, c.resume, c.force, c.checkpointMinutes, c.maxSteps == null ? 0 : c.maxSteps, c.quick,
                    c.ui || c.uiWait, c.uiWait);
        }
    }

    private final String app;
    private final Options common;
    private final C config;
    private final Path runDir;
    private final RunDirs.Lock lock;
    private LiveView view;
    private final long started = System.nanoTime();
    private String unit = "samples";
    private double unitsPerExample = 1;

    private TrainingRun(String app, Options common, C config, Path runDir, RunDirs.Lock lock) {
        this.app = app;
        this.common = common;
        this.config = config;
        this.runDir = runDir;
        this.lock = lock;
    }

    /**
     * Starts a run: with {@code --resume} the configuration stored in the run folder's checkpoint,
     * otherwise {@code fresh}'s; then the run folder ({@code --output-dir}, or {@code runs/<app>/<time>})
     * is created and locked. Problems (a non-empty folder without {@code --resume}/{@code --force},
     * another run writing there, no checkpoint) are one-line user errors.
     */
    public static <C> TrainingRun<C> start(String app, Options options, Class<C> type, Supplier<C> fresh) {
        return start(app, options, type, fresh, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #start(String, Options, Class, Supplier)}; with {@code --resume}, {@code resumed} may change the
     * stored configuration (e.g. a new {@code --epochs}) before the run continues.
     */
    public static <C> TrainingRun<C> start(String app, Options options, Class<C> type, Supplier<C> fresh,
                                           java.util.function.UnaryOperator<C> resumed) {
        return start(app, options, type, fresh, resumed, java.util.List.of());
    }

    /**
     * As above, for a run that trains several models, each in its own sub-folder of the run folder ({@code parts},
     * e.g. {@code direct/} and {@code recursive/}; see {@link #fitIn}): with {@code --resume} the configuration is
     * read from the first part that has a checkpoint.
     */
    public static <C> TrainingRun<C> start(String app, Options options, Class<C> type, Supplier<C> fresh,
                                           java.util.function.UnaryOperator<C> resumed, java.util.List<String> parts) {
        C cfg;
        if (options.resume()) {
            Path from = options.outputDir();
            if (from != null && !parts.isEmpty()) {
                Path dir = from;
                from = parts.stream().map(dir::resolve).filter(TrainingRun::hasCheckpoint).findFirst()
                        .orElse(dir.resolve(parts.get(0)));
            }
            cfg = resumed.apply(Trainer.resumeConfig(from, type));
        } else {
            cfg = fresh.get();
        }
        Path dir = RunDirs.create(options.outputDir(), app, options.resume(), options.force());
        if (options.quick()) {
            System.out.println("--quick: a smoke test of the whole pipeline in seconds, on a small model and little data; "
                    + "its numbers say nothing about what the model can do");
        }
        TrainingRun<C> run = new TrainingRun<>(app, options, cfg, dir, RunDirs.lock(dir));
        if (options.ui()) {
            try {
                run.view = LiveView.open(app);
            } catch (RuntimeException e) {
                run.close();
                throw e;
            }
            System.out.println("ui: " + run.view.address() + "  (DL4J's training UI, live; this machine only"
                    + (options.uiWait() ? "; kept up after the run until Ctrl-C)" : "; it stops when the run ends, --ui-wait keeps it)"));
        }
        return run;
    }

    /** {@link #start(String, Options, Class, Supplier, java.util.function.UnaryOperator)} with the suite's common flags. */
    public static <C> TrainingRun<C> start(String app, CommonOptions common, Class<C> type, Supplier<C> fresh,
                                           java.util.function.UnaryOperator<C> resumed) {
        return start(app, Options.of(common), type, fresh, resumed);
    }

    /** The configuration of this run. */
    public C config() {
        return config;
    }

    /** The run folder. */
    public Path runDir() {
        return runDir;
    }

    /** Seconds since {@link #start}. */
    public double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Trains {@code fresh} (or the network of the last checkpoint, with {@code --resume}) with the suite's
     * {@link Trainer}: checkpoints every epoch, every {@code --checkpoint-minutes} and on Ctrl-C, early
     * stopping on {@code monitor} after {@code patience} epochs without improvement (0 = off).
     *
     * @param validator validation metrics after each epoch, or {@code null} (then {@code monitor} is ignored)
     */
    public <N extends Model & NeuralNetwork> Trainer.Result<N> fit(N fresh, Batches batches,
            Function<N, Map<String, Double>> validator, int epochs, long seed, String monitor,
            boolean higherIsBetter, int patience) throws InterruptedException {
        TrainerConfig tc = new TrainerConfig(epochs, seed, runDir, common.resume(),
                Duration.ofSeconds(Math.round(common.checkpointMinutes() * 60)),
                common.maxSteps(), validator == null ? null : monitor, higherIsBetter, patience);
        return trainer(tc, batches, validator).fit(fresh);
    }

    private <N extends Model & NeuralNetwork> Trainer<N> trainer(TrainerConfig tc, Batches batches,
                                                                Function<N, Map<String, Double>> validator) {
        return new Trainer<N>(tc, batches, validator, Json.write(config), Progress.forStdout(unit, unitsPerExample),
                view == null ? java.util.List.of() : java.util.List.of(view.listener()));
    }

    /**
     * Counts the training speed in {@code unit}s, {@code perExample} of them per training example (a
     * language model's stream of 1,000 characters: {@code countAs("characters", 1000)}); samples by default.
     */
    public TrainingRun<C> countAs(String unit, double perExample) {
        this.unit = unit;
        this.unitsPerExample = perExample;
        return this;
    }

    /**
     * As {@link #fit}, for one of several models of this run: its checkpoints go to {@code runDir/part}, and
     * {@code --resume} continues it only if that folder holds a checkpoint (a part not begun starts afresh).
     */
    public <N extends Model & NeuralNetwork> Trainer.Result<N> fitIn(String part, N fresh, Batches batches,
            Function<N, Map<String, Double>> validator, int epochs, long seed, String monitor,
            boolean higherIsBetter, int patience) throws InterruptedException {
        Path dir = runDir.resolve(part);
        TrainerConfig tc = new TrainerConfig(epochs, seed, dir, common.resume() && hasCheckpoint(dir),
                Duration.ofSeconds(Math.round(common.checkpointMinutes() * 60)),
                common.maxSteps(), validator == null ? null : monitor, higherIsBetter, patience, runDir);
        return trainer(tc, batches, validator).fit(fresh);
    }

    private static boolean hasCheckpoint(Path dir) {
        Path ckpt = Trainer.checkpointDir(dir);
        return java.nio.file.Files.isRegularFile(ckpt.resolve("last.zip")) || java.nio.file.Files.isRegularFile(ckpt.resolve("previous.zip"));
    }

    /** Writes {@code model.zip} (the network and this run's configuration) into the run folder and returns it. */
    public Path saveModel(Model network) {
        return saveModel(network, config);
    }

    /** Writes {@code model.zip} with {@code stored} (e.g. the configuration plus what training learnt) as its configuration entry. */
    public Path saveModel(Model network, Object stored) {
        Path model = runDir.resolve("model.zip");
        ModelZip.save(network, model, false, Map.of(Trainer.CONFIG_ENTRY, Json.write(stored)));
        return model;
    }

    /**
     * The {@code summary.json} of this run with the fields every app reports filled in from {@code state}
     * (epochs, training time and speed, wall time, the final training loss, the best epoch); the app
     * adds its metrics and writes it.
     */
    public RunSummary summary(TrainState state, long seed) {
        RunSummary s = new RunSummary(app, "train", config, seed);
        if (!state.history.isEmpty()) {
            s.metrics.put("final_train_loss", state.history.get(state.history.size() - 1).get("train_loss"));
        }
        s.metrics.put("best_epoch", state.bestEpoch);
        s.epochsCompleted = state.epoch;
        s.trainSeconds = state.trainSeconds;
        s.trainSamplesPerSecond = state.examples * unitsPerExample / Math.max(1e-9, state.trainSeconds);
        return fill(s);
    }

    /**
     * The summary of a run trained in several parts ({@link #fitIn}): training times, examples and epochs
     * added over the parts; the app adds its data and metrics.
     */
    public RunSummary summary(java.util.List<TrainState> parts, long seed) {
        RunSummary s = new RunSummary(app, "train", config, seed);
        long examples = 0;
        for (TrainState p : parts) {
            s.epochsCompleted += p.epoch;
            s.trainSeconds += p.trainSeconds;
            examples += p.examples;
        }
        s.trainSamplesPerSecond = examples * unitsPerExample / Math.max(1e-9, s.trainSeconds);
        return fill(s);
    }

    private RunSummary fill(RunSummary s) {
        s.speedUnit = unit;
        s.quick = common.quick();
        s.wallSeconds = seconds();
        return s;
    }

    /**
     * Releases the run folder's lock and stops the live view; with {@code --ui-wait} the view first stays up
     * until the process is stopped (Ctrl-C).
     */
    @Override
    public void close() {
        lock.close();
        if (view == null) {
            return;
        }
        try {
            if (common.uiWait()) {
                System.out.println("ui: the run has ended; still serving " + view.address() + " until Ctrl-C");
                System.out.flush();
                new java.util.concurrent.CountDownLatch(1).await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            view.close();
            view = null;
        }
    }
}
