package io.github.lstmsuite.forecast;

import static java.util.Objects.requireNonNullElse;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.HelpDefaults;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.layers.LstmImpl;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.Intervals;
import io.github.lstmsuite.common.series.Periods;
import io.github.lstmsuite.common.series.RollingOrigin;
import io.github.lstmsuite.common.series.SeriesEncoding;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.series.WindowBatches;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import io.github.lstmsuite.forecast.LstmForecaster.Strategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm forecast}: multi-step forecasts of a real series, always shown beside ETS, the Theta method and the
 * naive baselines computed by the same code, and scored by rolling-origin evaluation on a held-out test part.
 * Commands: {@code train} (the default), {@code evaluate}, {@code predict}; {@code --panel} for many series.
 *
 * <p>The default model is the panel model ({@link ForecastPanel}) on a panel of one series: ETS puts the series out of
 * season, an ensemble of LSTMs forecasts the rest, the forecast is their mean with ETS's, with conformal intervals.
 * {@code --single} trains the single-series LSTM instead, whose story {@code train} tells here: read the series → split
 * it in time (train | validation | test) → fit the encoding on the training part only → train a direct and a recursive
 * model, each with early stopping on the validation MAE → keep the better → prediction intervals from its validation
 * residuals → score it and the baselines on the test part → table, chart, {@code summary.json}.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, version = "lstm-suite forecast 0.1.0",
        description = "Multi-step LSTM forecasts of a time series (or of many: --panel), beside ETS, Theta and the naive baselines.",
        subcommands = {ForecastApp.Train.class, ForecastEvaluate.class, ForecastPredict.class, ForecastPanel.class})
public final class ForecastApp {
    static final String APP = "forecast";
    /** Interval levels reported everywhere. */
    static final double[] LEVELS = {0.80, 0.95};

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the app as the command line does; no command means {@code train}, or {@code panel} when {@code --panel} is given. */
    public static Cli.Outcome runExample(String... args) {
        boolean panel = java.util.Arrays.stream(args).anyMatch(a -> a.equals("--panel") || a.startsWith("--panel="));
        return Cli.runDefaulting(new ForecastApp(), panel ? "panel" : "train", args);
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Everything a run was made with; saved in {@code summary.json} and inside the model.
     *
     * @param period       seasonal period (1 = none), given or detected
     * @param window       time steps the LSTM reads before each forecast
     * @param strategy     auto, direct or recursive (as asked)
     * @param stepsPerEpoch mini-batches per "epoch" (validation and checkpoint interval)
     */
    public record RunConfig(ForecastData.Source source, int horizon, int period, boolean periodDetected, int window,
                            boolean log, boolean diff, double valFraction, double testFraction, String strategy,
                            int epochs, int stepsPerEpoch, int batchSize, int patience, int hidden, int layers,
                            double dropout, double learningRate, long seed, LstmImpl lstm,
                            io.github.lstmsuite.layers.CellType cell) {
    }

    /** What a model file holds besides the network: how to feed it and how wide its intervals are. */
    public record SavedModel(RunConfig run, Strategy strategy, SeriesEncoding encoding, Intervals intervals) {
    }

    /** The values of {@code --strategy}, {@code --log} and {@code --diff}: picocli refuses any other word in one line. */
    enum StrategyChoice { auto, direct, recursive }

    enum Log { auto, on, off }

    enum Diff { on, off }

    // ------------------------------------------------------------------ train

    /**
     * What {@code train} returns; for a series too short for the single-series model, {@code panel} holds the panel
     * model's result (a panel of one) and the single-series fields are empty.
     */
    public record TrainResult(Path runDir, Path model, Strategy strategy, Map<Strategy, Double> validationMae,
                              ForecastReport.Comparison test, RunConfig config, double wallSeconds, boolean interrupted,
                              ForecastPanel.PanelResult panel) {
    }

    /** The defaults {@code train --help} shows; {@code configure} applies them. */
    public static final class TrainDefaults extends HelpDefaults {
        public TrainDefaults() {
            super("hidden", "64; --quick: 16", "layers", "1", "dropout", "0", "patience", "6 (--single: 8)",
                    "metric", "validation MASE (--single: MAE)", "epochs", "30 (--single: 40); --quick: 2 (3)",
                    "batch-size", "64 (--single: 32)", "learning-rate", "0.003");
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "io.github.lstmsuite.forecast.ForecastApp$TrainDefaults",
            description = "Train on a series (default: airpassengers, horizon 12): the panel model (LSTMs with ETS), or --single; compare with ETS, Theta and the baselines on the test part, write the chart and the model.")
    static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Mixin
        ShapeOptions shape = new ShapeOptions();

        @Mixin
        SeriesOptions seriesOptions = new SeriesOptions();

        @Option(names = "--horizon", paramLabel = "H", description = "Steps to forecast (default: the series' natural horizon, 12 for a CSV).")
        Integer horizon;

        @Option(names = "--period", paramLabel = "M", description = "Seasonal period for seasonal naive and MASE (default: detected from the autocorrelation; 1 = none).")
        Integer period;

        @Option(names = "--window", paramLabel = "W", description = "Steps the LSTM reads before a forecast (default: 3 × period, within 24..200).")
        Integer window;

        @Option(names = "--members", paramLabel = "K", description = "Networks in the panel model's ensemble, each from its own seed (default 5; --quick: 2).")
        Integer members;

        @Option(names = "--single", description = "The single-series LSTM (direct or recursive, one network) instead of the panel model (an ensemble of LSTMs with ETS, the default).")
        boolean single;

        @Option(names = "--strategy", paramLabel = "S", description = "With --single: direct, recursive, or auto (default: train both, keep the lower validation MAE).")
        StrategyChoice strategy;

        @Option(names = "--log", paramLabel = "WHEN", description = "With --single: forecast the log of the series: auto (default: when all training values are > 0), on, off.")
        Log log;

        @Option(names = "--diff", paramLabel = "ON", description = "With --single: feed changes and forecast changes from the last value: on (default) or off (levels).")
        Diff diff;

        @Option(names = "--val-fraction", paramLabel = "F", description = "With --single: validation part, before the test part (default: 0.15, at least 2 × horizon rows).")
        Double valFraction;

        @Option(names = "--test-fraction", paramLabel = "F", description = "With --single: test part at the end (default: 0.15, at least 2 × horizon rows).")
        Double testFraction;

        @Option(names = "--steps-per-epoch", paramLabel = "N", description = "Mini-batches per epoch (default 50).")
        Integer stepsPerEpoch;

        @Override
        public TrainResult call() throws Exception {
            if (single && members != null) {
                throw new UserException("--members belongs to the panel model: leave out --single");
            }
            if (!single) {
                // the default: the panel model on a panel of one series (ForecastPanel)
                List<String> only = new ArrayList<>();
                if (strategy != null) only.add("--strategy");
                if (log != null) only.add("--log");
                if (diff != null) only.add("--diff");
                if (valFraction != null) only.add("--val-fraction");
                if (testFraction != null) only.add("--test-fraction");
                if (!only.isEmpty()) {
                    throw new UserException(String.join(", ", only) + " belong" + (only.size() == 1 ? "s" : "")
                            + " to the single-series LSTM: add --single (the default panel model splits and scales a series itself)");
                }
                if (common.resume && common.outputDir != null && !java.nio.file.Files.isDirectory(common.outputDir.resolve("member-1"))
                        && (java.nio.file.Files.isDirectory(common.outputDir.resolve("direct"))
                        || java.nio.file.Files.isDirectory(common.outputDir.resolve("recursive")))) {
                    throw new UserException("--resume: " + common.outputDir + " is a run of the single-series LSTM: add --single");
                }
                if (common.resume) {
                    return panelResult(null, null);                          // the run being resumed says which series
                }
                ForecastData.Source src = seriesOptions.source(null);
                TimeSeries series = ForecastData.load(src);
                return panelOfOne(series, configure(src, series), null);
            }
            if (common.resume && common.outputDir != null && java.nio.file.Files.isDirectory(common.outputDir.resolve("member-1"))) {
                return panelResult(null, null);                              // a panel-of-one run (below) goes on as one
            }
            if (!common.resume) {
                // a series too short for this model's split goes to the panel model, which validates on less
                ForecastData.Source src = seriesOptions.source(null);
                TimeSeries series = ForecastData.load(src);
                RunConfig cfg = configure(src, series);
                try {
                    ForecastData.split(series, cfg);
                } catch (UserException e) {
                    if (!e.getMessage().contains("rows are too few")) {
                        throw e;
                    }
                    return panelOfOne(series, cfg, e.getMessage());
                }
            }
            int threads = NativeSetup.apply(common.threads);
            TimeSeries[] read = new TimeSeries[1];      // a fresh run reads the series first: its period and horizon shape the configuration
            // each strategy trains in its own sub-folder (direct/, recursive/) with its own checkpoints
            try (TrainingRun<RunConfig> run = TrainingRun.start(APP, TrainingRun.Options.of(common), RunConfig.class, () -> {
                ForecastData.Source src = seriesOptions.source(null);
                read[0] = ForecastData.load(src);
                return configure(src, read[0]);
            }, stored -> stored, List.of(Strategy.direct.name(), Strategy.recursive.name()))) {
                RunConfig cfg = run.config();
                Path runDir = run.runDir();
                TimeSeries series = read[0] != null ? read[0] : ForecastData.load(cfg.source());
                int h = cfg.horizon();
                Split split = ForecastData.split(series, cfg);
                SeriesEncoding enc = SeriesEncoding.fit(series, split.trainEnd(), cfg.log(), cfg.diff());
                ForecastReport.printSeries(series, cfg, split);

                // ---- train one model per strategy; keep the lower validation MAE
                List<Strategy> strategies = cfg.strategy().equals("auto")
                        ? (series.features().length > 0 ? List.of(Strategy.direct) : List.of(Strategy.direct, Strategy.recursive))
                        : List.of(Strategy.valueOf(cfg.strategy()));
                double maseScale = ForecastMetrics.maseScale(series.target(), split.trainEnd(), cfg.period());
                Map<Strategy, Double> valMae = new LinkedHashMap<>();
                Map<Strategy, MultiLayerNetwork> nets = new LinkedHashMap<>();
                List<TrainState> trained = new ArrayList<>();
                for (Strategy st : strategies) {
                    int outputs = st == Strategy.direct ? h : 1;
                    ForecastModel.Config mc = new ForecastModel.Config(enc.channels(), outputs, cfg.hidden(), cfg.layers(),
                            cfg.dropout(), cfg.learningRate(), cfg.seed(), cfg.lstm(), cfg.cell());
                    MultiLayerNetwork net = ForecastModel.build(mc);
                    WindowBatches batches = new WindowBatches(enc, series, split.trainEnd(), cfg.window(), outputs,
                            cfg.batchSize(), cfg.stepsPerEpoch(), cfg.seed());
                    System.out.printf("%n%s: %s (%,d parameters); %d training windows of %d steps, %d × %d per epoch, %d thread(s)%n",
                            st, ForecastModel.describe(mc), net.numParams(), batches.windows(), cfg.window(), cfg.stepsPerEpoch(),
                            cfg.batchSize(), threads);
                    Trainer.Result<MultiLayerNetwork> fit = run.fitIn(st.name(), net, batches, n -> {
                        RollingOrigin.Result r = RollingOrigin.evaluate(new LstmForecaster(n, enc, cfg.window(), st), series,
                                split.trainEnd(), split.valEnd(), h, maseScale);
                        return new TreeMap<>(Map.of("val_mae", r.scores().mae(), "val_mase", r.scores().mase()));   // sorted: a fixed column order
                    }, cfg.epochs(), cfg.seed(), "val_mae", false, cfg.patience());
                    if (fit.interrupted()) {
                        return new TrainResult(runDir, null, null, valMae, null, cfg, run.seconds(), true, null);
                    }
                    valMae.put(st, fit.state().best);
                    trained.add(fit.state());
                    nets.put(st, fit.network());
                }
                Strategy chosen = valMae.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                if (valMae.size() > 1) {
                    System.out.printf("%nstrategy: %s wins on validation MAE (%s)%n", chosen, valMae.entrySet().stream()
                            .map(e -> String.format("%s %.4g", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
                }
                MultiLayerNetwork best = nets.get(chosen);
                LstmForecaster lstm = new LstmForecaster(best, enc, cfg.window(), chosen);

                // ---- intervals from the validation residuals (in z: the log scale when log is on)
                Intervals intervals = ForecastReport.intervals(lstm, series, enc, split.trainEnd(), split.valEnd(), h);
                SavedModel saved = new SavedModel(cfg, chosen, enc, intervals);
                Path model = run.saveModel(best, saved);

                // ---- the test part: LSTM and baselines, same origins, same metrics
                ForecastReport.Comparison cmp = ForecastReport.compare(lstm, series, split, saved);
                ForecastReport.printComparison(cmp, saved);
                Path chart = ForecastReport.writeChartAndForecasts(runDir, series, split, cmp, saved);    // forecast.png, test_forecasts.csv

                RunSummary summary = run.summary(trained, cfg.seed());
                ForecastReport.addTo(summary, series, split, cmp, saved, valMae);
                summary.write(runDir.resolve("summary.json"));
                System.out.printf("%nchart: %s%nrun folder: %s   wall %s%n", chart.toAbsolutePath().normalize(),
                        runDir.toAbsolutePath().normalize(), Progress.formatSeconds(summary.wallSeconds));
                return new TrainResult(runDir, model, chosen, valMae, cmp, cfg, summary.wallSeconds, false, null);
            }
        }

        /**
         * A series too short for the single-series split, forecast by the panel model as a panel of one: the series (its
         * feature columns as past covariates) is written to a {@code time,value,…} CSV in a temporary folder, and the
         * panel command runs on it with this command's options.
         */
        private TrainResult panelOfOne(TimeSeries series, RunConfig cfg, String why) throws Exception {
            if (why != null) {
                System.out.printf("note: %s — too short for the single-series model; forecasting it with the panel model (a panel of one, ./lstm forecast --panel)%n%n",
                        why.replaceFirst(" \\(\\./lstm forecast --panel.*$", ""));
            }
            String name = cfg.source().csv() != null
                    ? cfg.source().csv().getFileName().toString().replaceFirst("\\.csv$", "") : cfg.source().series();
            StringBuilder csv = new StringBuilder("time,value");
            series.featureNames().forEach(f -> csv.append(',').append(f.replace(",", " ")));
            csv.append('\n');
            for (int t = 0; t < series.length(); t++) {
                csv.append(series.labels()[t].replace(",", " ")).append(',').append(series.target()[t]);
                for (double[] f : series.features()) {
                    csv.append(',').append(f[t]);
                }
                csv.append('\n');
            }
            // kept (a few kilobytes): a --resume of the run reads it again
            java.nio.file.Path file = java.nio.file.Files.createTempDirectory("lstm-forecast-").resolve(name + ".csv");
            io.github.lstmsuite.common.report.AtomicFiles.writeString(file, csv.toString());
            return panelResult(file.toString(), cfg.horizon(), cfg.source());
        }

        /** Runs the panel command with this command's options on {@code file} and horizon {@code h} (null: as the run being resumed says). */
        private TrainResult panelResult(String file, Integer h) throws Exception {
            return panelResult(file, h, null);
        }

        /** As {@link #panelResult(String, Integer)}, the model remembering {@code source}, where the series was read. */
        private TrainResult panelResult(String file, Integer h, ForecastData.Source source) throws Exception {
            ForecastPanel panel = new ForecastPanel();
            panel.single = source;
            panel.window = window;
            panel.members = members;
            panel.common = common;
            panel.shape = shape;
            panel.panel = file;
            panel.horizon = h;
            panel.period = period;
            panel.stepsPerEpoch = stepsPerEpoch;
            panel.etsInputs = ForecastPanel.EtsInputs.auto;                 // the panel command's default
            ForecastPanel.PanelResult r = panel.call();
            return new TrainResult(r.runDir(), r.model(), null, Map.of(), null, null, r.wallSeconds(), r.interrupted(), r);
        }

        /** The run's configuration: what the user gave, the rest from the series and the defaults. */
        private RunConfig configure(ForecastData.Source src, TimeSeries series) {
            boolean quick = common.quick;
            int h = horizon != null ? horizon : src.csv() == null ? ForecastData.bundled(src.series()).horizon() : 12;
            if (h < 1) {
                throw new UserException("--horizon must be at least 1, got " + h);
            }
            // a first split for the period detection: only the part that will certainly be training data
            int provisionalTrain = series.length() - 2 * Math.max((int) Math.round(series.length() * 0.15), 2 * h);
            boolean detected = period == null;
            int m = detected ? Periods.snap(Periods.detect(ForecastData.logIfPositive(series, provisionalTrain), Math.max(provisionalTrain, 2)),
                    series.calendarPeriods()) : period;
            if (m < 1) {
                throw new UserException("--period must be at least 1, got " + m);
            }
            int w = window != null ? window : Math.min(200, Math.max(24, 3 * m));
            boolean lg = log == null || log == Log.auto ? series.positive(Math.max(1, provisionalTrain)) : log == Log.on;
            if (strategy == StrategyChoice.recursive && series.features().length > 0) {
                throw new UserException("--strategy recursive cannot use --features (their future values are unknown): use direct");
            }
            int epochs = common.epochs(quick ? 3 : 40);
            int steps = requireNonNullElse(stepsPerEpoch, quick ? 10 : 50);
            int batch = common.batchSize(32);
            int hid = shape.hidden(quick ? 16 : 64);
            int lay = shape.layers(1);
            double lr = common.learningRate(0.003);
            int pat = shape.patience(8);
            double dr = shape.dropout(0.0);
            if (w < 2 || steps < 1) {
                throw new UserException("--window must be at least 2 and --steps-per-epoch at least 1");
            }
            Limits.checkRecurrent(64, hid, lay, h, h);      // ≤ 64 input channels; h outputs
            return new RunConfig(src, h, m, detected, w, lg, diff != Diff.off, requireNonNullElse(valFraction, 0.15),
                    requireNonNullElse(testFraction, 0.15), strategy == null ? "auto" : strategy.name(), epochs, steps, batch,
                    pat, hid, lay, dr, lr, common.seed, common.lstm(), common.cell);
        }
    }
}
