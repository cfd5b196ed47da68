package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.nn.LstmImpl;
import io.github.lstmsuite.common.report.AtomicFiles;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunDirs;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.series.Baselines;
import io.github.lstmsuite.common.series.CsvSeries;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.Intervals;
import io.github.lstmsuite.common.series.Periods;
import io.github.lstmsuite.common.series.RollingOrigin;
import io.github.lstmsuite.common.series.SeriesEncoding;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.series.WindowBatches;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import io.github.lstmsuite.forecast.LstmForecaster.Strategy;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm forecast}: multi-step forecasts of a real series by a many-to-many LSTM, always shown
 * beside four baselines computed by the same code (naive, seasonal naive, drift, mean) and scored by
 * rolling-origin evaluation on a held-out test part. Commands: {@code train} (the default),
 * {@code evaluate}, {@code predict}.
 *
 * <p>The story of {@code train}: read the series → split it in time (train | validation | test) →
 * fit the encoding on the training part only → train a direct and a recursive model, each with early
 * stopping on the validation MAE → keep the better → prediction intervals from its validation
 * residuals → score it and the baselines on the test part → table, chart, {@code summary.json}.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, version = "lstm-suite forecast 0.1.0",
        description = "Multi-step LSTM forecasts of a time series, against naive, seasonal-naive, drift and mean baselines.",
        subcommands = {ForecastApp.Train.class, ForecastEvaluate.class, ForecastPredict.class})
public final class ForecastApp {
    static final String APP = "forecast";
    /** Interval levels reported everywhere. */
    static final double[] LEVELS = {0.80, 0.95};

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the app as the command line does; no command means {@code train}. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.runDefaulting(new ForecastApp(), "train", args);
    }

    // ------------------------------------------------------------------ configuration

    /** Which series: a bundled name or a CSV file, and its columns (a picocli mixin shared by all commands). */
    static final class SeriesOptions {
        @Option(names = "--series", paramLabel = "NAME", description = "A bundled series (default: airpassengers): airpassengers, sunspots-monthly, daily-min-temperatures, nile-annual, seatbelts-monthly, eustockmarkets-daily, airquality-daily, beijing-pm25-hourly.")
        String series;

        @Option(names = "--csv", paramLabel = "FILE", description = "Any CSV with a header row, one row per time step, oldest first.")
        Path csv;

        @Option(names = "--target", paramLabel = "COL", description = "Column to forecast (default: the only numeric column).")
        String target;

        @Option(names = "--features", paramLabel = "COL,…", split = ",", description = "Extra input columns (multivariate; direct strategy only).")
        List<String> features;

        @Option(names = "--time", paramLabel = "COL", description = "Time-label column (default: the first column if it holds dates or text; 'none' for row numbers).")
        String time;

        @Option(names = "--missing", paramLabel = "HOW", description = "Missing values (NA, empty): error (default), interpolate or drop.")
        CsvSeries.Missing missing;

        @Option(names = "--rows", paramLabel = "N", description = "Use only the first N rows.")
        Integer rows;

        ForecastData.Source source(ForecastData.Source saved) {
            if (saved != null && csv == null && series == null) {
                return new ForecastData.Source(saved.series(), saved.csv(), pick(target, saved.target()), pick(features, saved.features()),
                        pick(time, saved.time()), pick(missing, saved.missing()), pick(rows, saved.rows()));
            }
            String name = series != null ? series : "airpassengers";
            if (csv == null) {
                ForecastData.bundled(name);
            }
            return new ForecastData.Source(csv == null ? name : null, csv, target != null ? target : saved != null ? saved.target() : null,
                    features != null ? features : saved != null ? saved.features() : null, time,
                    missing != null ? missing : CsvSeries.Missing.error, rows != null ? rows : 0);
        }
    }

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
                            io.github.lstmsuite.common.nn.CellType cell) {
    }

    /** What a model file holds besides the network: how to feed it and how wide its intervals are. */
    public record SavedModel(RunConfig run, Strategy strategy, SeriesEncoding encoding, Intervals intervals) {
    }

    // ------------------------------------------------------------------ train

    /** One row of the comparison table. */
    public record Row(String name, ForecastMetrics.Scores scores) {
    }

    /** The test-part comparison: the LSTM and the baselines, and the LSTM's interval coverage. */
    public record Comparison(int origins, List<Row> rows, double coverage80, double coverage95,
                             RollingOrigin.Result lstm, double[][] lstmZ, RollingOrigin.Result seasonalNaive) {
        public Row row(String name) {
            return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        }
    }

    /** What {@code train} returns. */
    public record TrainResult(Path runDir, Path model, Strategy strategy, Map<Strategy, Double> validationMae,
                              Comparison test, RunConfig config, double wallSeconds, boolean interrupted) {
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on a series (default: airpassengers, horizon 12), compare with the baselines on the test part, write the chart.")
    static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Mixin
        SeriesOptions seriesOptions = new SeriesOptions();

        @Option(names = "--horizon", paramLabel = "H", description = "Steps to forecast (default: the series' natural horizon, 12 for a CSV).")
        Integer horizon;

        @Option(names = "--period", paramLabel = "M", description = "Seasonal period for seasonal naive and MASE (default: detected from the autocorrelation; 1 = none).")
        Integer period;

        @Option(names = "--window", paramLabel = "W", description = "Steps the LSTM reads before a forecast (default: 3 × period, within 24..200).")
        Integer window;

        @Option(names = "--strategy", paramLabel = "S", defaultValue = "auto", description = "direct, recursive, or auto (default: train both, keep the lower validation MAE).")
        String strategy;

        @Option(names = "--log", paramLabel = "WHEN", defaultValue = "auto", description = "Forecast the log of the series: auto (default: when all training values are > 0), on, off.")
        String log;

        @Option(names = "--diff", paramLabel = "ON", defaultValue = "on", description = "Feed changes and forecast changes from the last value: on (default) or off (levels).")
        String diff;

        @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.15", description = "Validation part, before the test part (default: ${DEFAULT-VALUE}, at least 2 × horizon rows).")
        double valFraction;

        @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.15", description = "Test part at the end (default: ${DEFAULT-VALUE}, at least 2 × horizon rows).")
        double testFraction;

        @Option(names = "--hidden", paramLabel = "H", description = "LSTM units per layer (default 64).")
        Integer hidden;

        @Option(names = "--layers", paramLabel = "L", description = "Stacked LSTM layers (default 1).")
        Integer layers;

        @Option(names = "--dropout", paramLabel = "P", description = "Drop probability between stacked layers (default 0).")
        Double dropout;

        @Option(names = "--patience", paramLabel = "E", description = "Early stopping: epochs without a lower validation MAE (default 8; 0 = off).")
        Integer patience;

        @Option(names = "--steps-per-epoch", paramLabel = "N", description = "Mini-batches per epoch (default 50).")
        Integer stepsPerEpoch;

        @Override
        public TrainResult call() throws Exception {
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
                Split split = split(series, cfg);
                SeriesEncoding enc = SeriesEncoding.fit(series, split.trainEnd(), cfg.log(), cfg.diff());
                printSeries(series, cfg, split);

                // ---- train one model per strategy; keep the lower validation MAE
                List<Strategy> strategies = cfg.strategy().equals("auto")
                        ? (series.features().length > 0 ? List.of(Strategy.direct) : List.of(Strategy.direct, Strategy.recursive))
                        : List.of(Strategy.valueOf(cfg.strategy()));
                double maseScale = ForecastMetrics.maseScale(series.target(), split.trainEnd(), cfg.period());
                Map<Strategy, Double> valMae = new LinkedHashMap<>();
                Map<Strategy, MultiLayerNetwork> nets = new LinkedHashMap<>();
                double trainSeconds = 0;
                long trainWindows = 0;
                int epochsDone = 0;
                for (Strategy st : strategies) {
                    int outputs = st == Strategy.direct ? h : 1;
                    ForecastModel.Config mc = new ForecastModel.Config(enc.channels(), outputs, cfg.hidden(), cfg.layers(),
                            cfg.dropout(), cfg.learningRate(), cfg.seed(), cfg.lstm(), cfg.cell());
                    MultiLayerNetwork net = ForecastModel.build(mc);
                    WindowBatches batches = new WindowBatches(enc, series, split.trainEnd(), cfg.window(), outputs,
                            cfg.batchSize(), cfg.stepsPerEpoch(), cfg.seed());
                    System.out.printf("%n%s: %s %d×%d → %d output(s) per step (%,d parameters); %d training windows of %d steps, %d × %d per epoch, Adam lr %s, %d thread(s)%n",
                            st, (cfg.cell() == null ? io.github.lstmsuite.common.nn.CellType.lstm : cfg.cell()).label(cfg.lstm()),
                            cfg.layers(), cfg.hidden(), outputs, net.numParams(), batches.windows(), cfg.window(),
                            cfg.stepsPerEpoch(), cfg.batchSize(), cfg.learningRate(), threads);
                    Trainer.Result<MultiLayerNetwork> fit = run.fitIn(st.name(), net, batches, n -> {
                        RollingOrigin.Result r = RollingOrigin.evaluate(new LstmForecaster(n, enc, cfg.window(), st), series,
                                split.trainEnd(), split.valEnd(), h, maseScale);
                        return Map.of("val_mae", r.scores().mae(), "val_mase", r.scores().mase());
                    }, cfg.epochs(), cfg.seed(), "val_mae", false, cfg.patience());
                    if (fit.interrupted()) {
                        return new TrainResult(runDir, null, null, valMae, null, cfg, run.seconds(), true);
                    }
                    valMae.put(st, fit.state().best);
                    trainSeconds += fit.state().trainSeconds;
                    trainWindows += fit.state().examples;
                    epochsDone += fit.state().epoch;
                    nets.put(st, fit.network());
                }
                Strategy chosen = valMae.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                if (valMae.size() > 1) {
                    StringBuilder sb = new StringBuilder();
                    valMae.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(String.format(" %.4g", v)));
                    System.out.printf("%nstrategy: %s wins on validation MAE (%s)%n", chosen, sb);
                }
                MultiLayerNetwork best = nets.get(chosen);
                LstmForecaster lstm = new LstmForecaster(best, enc, cfg.window(), chosen);

                // ---- intervals from the validation residuals (in z: the log scale when log is on)
                Intervals intervals = intervals(lstm, series, enc, split.trainEnd(), split.valEnd(), h);
                SavedModel saved = new SavedModel(cfg, chosen, enc, intervals);
                Path model = run.saveModel(best, saved);

                // ---- the test part: LSTM and baselines, same origins, same metrics
                Comparison cmp = compare(lstm, series, split, saved);
                printComparison(cmp, saved);
                Path chart = runDir.resolve("forecast.png");
                chart(chart, series, split, cmp, saved);
                writeTestForecasts(runDir.resolve("test_forecasts.csv"), series, cmp, saved);

                RunSummary summary = new RunSummary(APP, "train", cfg, cfg.seed());
                summary.data.put("name", series.source());
                summary.data.put("target", series.targetName());
                summary.data.put("rows", Integer.toString(series.length()));
                summary.data.put("train_rows", Integer.toString(split.trainSize()));
                summary.data.put("validation_rows", Integer.toString(split.valSize()));
                summary.data.put("test_rows", Integer.toString(split.testSize()));
                summary.metrics.putAll(metrics(cmp));
                summary.metrics.put("strategy", chosen.name());
                valMae.forEach((k, v) -> summary.metrics.put("val_mae_" + k, v));
                summary.metrics.put("test_origins", cmp.origins());
                summary.trainSeconds = trainSeconds;
                summary.trainSamplesPerSecond = trainWindows / Math.max(1e-9, trainSeconds);
                summary.epochsCompleted = epochsDone;
                summary.wallSeconds = run.seconds();
                summary.write(runDir.resolve("summary.json"));
                System.out.printf("%nchart: %s%nrun folder: %s   wall %s%n", chart.toAbsolutePath().normalize(),
                        runDir.toAbsolutePath().normalize(), Progress.formatSeconds(summary.wallSeconds));
                return new TrainResult(runDir, model, chosen, valMae, cmp, cfg, summary.wallSeconds, false);
            }
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
            int m = detected ? Periods.snap(Periods.detect(logIfPositive(series, provisionalTrain), Math.max(provisionalTrain, 2)),
                    series.calendarPeriods()) : period;
            if (m < 1) {
                throw new UserException("--period must be at least 1, got " + m);
            }
            int w = window != null ? window : Math.min(200, Math.max(24, 3 * m));
            boolean lg = switch (log) {
                case "auto" -> series.positive(Math.max(1, provisionalTrain));
                case "on" -> true;
                case "off" -> false;
                default -> throw new UserException("--log must be auto, on or off, got '" + log + "'");
            };
            boolean df = switch (diff) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new UserException("--diff must be on or off, got '" + diff + "'");
            };
            if (!List.of("auto", "direct", "recursive").contains(strategy)) {
                throw new UserException("--strategy must be auto, direct or recursive, got '" + strategy + "'");
            }
            if (strategy.equals("recursive") && series.features().length > 0) {
                throw new UserException("--strategy recursive cannot use --features (their future values are unknown): use direct");
            }
            int epochs = pick(common.epochs, quick ? 3 : 40);
            int steps = pick(stepsPerEpoch, quick ? 10 : 50);
            int batch = pick(common.batchSize, 32);
            int hid = pick(hidden, quick ? 16 : 64);
            int lay = pick(layers, 1);
            double lr = pick(common.learningRate, 0.003);
            int pat = pick(patience, 8);
            double dr = pick(dropout, 0.0);
            if (w < 2 || epochs < 1 || steps < 1 || batch < 1 || hid < 1 || lay < 1 || !(lr > 0) || pat < 0 || !(dr >= 0 && dr < 1)) {
                throw new UserException("--window ≥ 2, --epochs, --steps-per-epoch, --batch-size, --hidden, --layers ≥ 1, --learning-rate > 0, --patience ≥ 0, --dropout in [0, 1)");
            }
            Limits.checkRecurrent(64, hid, lay, h, h);      // ≤ 64 input channels; h outputs
            return new RunConfig(src, h, m, detected, w, lg, df, valFraction, testFraction, strategy, epochs, steps, batch,
                    pat, hid, lay, dr, lr, common.seed, common.lstm != null ? common.lstm : LstmImpl.fast,
                    common.cell);
        }
    }

    private static double[] logIfPositive(TimeSeries s, int n) {
        boolean pos = s.positive(Math.max(1, Math.min(n, s.length())));
        double[] v = s.target().clone();
        if (pos) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.log(v[i]);
            }
        }
        return v;
    }

    /** The run's split of {@code series}; too short a series is a user error naming what it needs. */
    static Split split(TimeSeries series, RunConfig cfg) {
        int minTrain = cfg.window() + cfg.horizon() + 1 + 8;     // a window, its horizon, and a few windows to shuffle
        Split split = Split.chronological(series.source(), series.length(), cfg.horizon(), cfg.valFraction(), cfg.testFraction(), minTrain);
        if (cfg.period() >= split.trainEnd()) {
            throw new UserException("--period " + cfg.period() + " is not shorter than the training part (" + split.trainEnd() + " rows)");
        }
        return split;
    }

    /** Residual quantiles of the rolling forecasts on [from, to), measured in z. */
    static Intervals intervals(LstmForecaster lstm, TimeSeries series, SeriesEncoding enc, int from, int to, int h) {
        int[] origins = RollingOrigin.origins(from, to, h);
        double[][] fz = lstm.forecastZ(series, origins, h);
        double[][] az = RollingOrigin.actuals(enc.z(series.target()), origins, h);
        double[][] res = new double[origins.length][h];
        for (int i = 0; i < origins.length; i++) {
            for (int k = 0; k < h; k++) {
                res[i][k] = az[i][k] - fz[i][k];
            }
        }
        return Intervals.fit(res, LEVELS);
    }

    /** Scores the LSTM and the four baselines on the test part, with the same origins and the same scale. */
    static Comparison compare(LstmForecaster lstm, TimeSeries series, Split split, SavedModel saved) {
        int h = saved.run().horizon();
        double scale = ForecastMetrics.maseScale(series.target(), split.trainEnd(), saved.run().period());
        List<Row> rows = new ArrayList<>();
        // the LSTM's forecasts in z once: scored in the series' units, and used for the interval coverage
        int[] origins = RollingOrigin.origins(split.valEnd(), split.n(), h);
        double[][] lz = lstm.forecastZ(series, origins, h);
        SeriesEncoding enc = saved.encoding();
        double[][] ly = new double[lz.length][h];
        for (int i = 0; i < lz.length; i++) {
            for (int k = 0; k < h; k++) {
                ly[i][k] = enc.y(lz[i][k]);
            }
        }
        RollingOrigin.Result l = RollingOrigin.of("lstm", series.target(), origins, ly, scale);
        rows.add(new Row("lstm", l.scores()));
        RollingOrigin.Result sn = null;
        for (Forecaster b : Baselines.all(saved.run().period())) {
            RollingOrigin.Result r = RollingOrigin.evaluate(b, series, split.valEnd(), split.n(), h, scale);
            rows.add(new Row(b.name(), r.scores()));
            if (b.name().equals("seasonal_naive")) {
                sn = r;
            }
        }
        double[][] az = RollingOrigin.actuals(enc.z(series.target()), origins, h);
        Intervals iv = saved.intervals();
        return new Comparison(l.origins().length, rows, iv.coverage(0, az, lz), iv.coverage(1, az, lz), l, lz, sn);
    }

    static void printSeries(TimeSeries s, RunConfig cfg, Split split) {
        String[] lb = s.labels();
        System.out.printf("series: %s — %,d rows (%s … %s), target %s%s%n", s.source(), s.length(), lb[0], lb[s.length() - 1],
                s.targetName(), s.features().length > 0 ? ", features " + String.join(", ", s.featureNames()) : "");
        System.out.printf("split: train %,d (%s … %s) | validation %,d | test %,d (%s … %s)%n", split.trainSize(), lb[0],
                lb[split.trainEnd() - 1], split.valSize(), split.testSize(), lb[split.valEnd()], lb[s.length() - 1]);
        System.out.printf("horizon %d, period %d (%s), window %d, log %s, diff %s: encoding fitted on the training part only%n",
                cfg.horizon(), cfg.period(), cfg.periodDetected() ? "detected" : "given", cfg.window(),
                cfg.log() ? "on" : "off", cfg.diff() ? "on" : "off");
    }

    static void printComparison(Comparison c, SavedModel saved) {
        System.out.printf("%ntest: %d rolling origins × %d steps (each forecast from the data up to its origin)%n",
                c.origins(), saved.run().horizon());
        System.out.printf("%-16s %12s %12s %9s %8s%n", "model", "MAE", "RMSE", "sMAPE %", "MASE");
        for (Row r : c.rows()) {
            ForecastMetrics.Scores s = r.scores();
            System.out.printf("%-16s %12.4g %12.4g %9.2f %8.3f%n", r.name() + (r.name().equals("lstm") ? " (" + saved.strategy() + ")" : ""),
                    s.mae(), s.rmse(), s.smape(), s.mase());
        }
        double lstm = c.row("lstm").scores().mae();
        double sn = c.row("seasonal_naive").scores().mae();
        System.out.printf("LSTM MAE / seasonal-naive MAE = %.3f (%s)%n", lstm / sn, lstm < sn ? "the LSTM is better" : "seasonal naive is better");
        System.out.printf("intervals (from validation residuals): 80%% covers %.1f%%, 95%% covers %.1f%% of the test values%n",
                100 * c.coverage80(), 100 * c.coverage95());
    }

    static Map<String, Object> metrics(Comparison c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Row r : c.rows()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("mae", r.scores().mae());
            s.put("rmse", r.scores().rmse());
            s.put("smape", r.scores().smape());
            s.put("mase", r.scores().mase());
            if (r.name().equals("lstm")) {
                s.put("coverage_80", c.coverage80());
                s.put("coverage_95", c.coverage95());
            }
            m.put(r.name(), s);
        }
        return m;
    }

    /**
     * The chart: the history before the test part, the test actuals, the LSTM forecast from the first
     * test origin with its 80% and 95% intervals, and seasonal naive from the same origin.
     */
    static void chart(Path file, TimeSeries s, Split split, Comparison c, SavedModel saved) {
        int h = saved.run().horizon();
        int o = c.lstm().origins()[0];
        int context = Math.max(3 * Math.max(saved.run().period(), h), 60);
        int from = Math.max(0, o + 1 - context);
        int to = Math.min(s.length(), o + 1 + Math.max(h, Math.min(context / 2, split.testSize())));
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("history", range(from, o + 1), slice(s.target(), from, o + 1), Color.DARK_GRAY, false));
        lines.add(new Charts.Line("actual (test)", range(o + 1, to), slice(s.target(), o + 1, to), Color.BLACK, false));
        double[] x = range(o + 1, o + 1 + h);
        double[] fz = c.lstmZ()[0];
        SeriesEncoding enc = saved.encoding();
        Intervals iv = saved.intervals();
        double[][] band = new double[4][h];
        double[] f = new double[h];
        for (int k = 0; k < h; k++) {
            f[k] = enc.y(fz[k]);
            band[0][k] = enc.y(fz[k] + iv.lower()[1][k]);
            band[1][k] = enc.y(fz[k] + iv.upper()[1][k]);
            band[2][k] = enc.y(fz[k] + iv.lower()[0][k]);
            band[3][k] = enc.y(fz[k] + iv.upper()[0][k]);
        }
        Color blue = new Color(31, 119, 180);
        Color light = new Color(150, 190, 230);
        lines.add(new Charts.Line("LSTM (" + saved.strategy() + ")", x, f, blue, false));
        lines.add(new Charts.Line("80% interval", x, band[2], blue, true));
        lines.add(new Charts.Line(null, x, band[3], blue, true));
        lines.add(new Charts.Line("95% interval", x, band[0], light, true));
        lines.add(new Charts.Line(null, x, band[1], light, true));
        lines.add(new Charts.Line("seasonal naive", x, c.seasonalNaive().predicted()[0], new Color(214, 39, 40), true));
        Charts.lines(file, String.format("%s, %d steps from %s (test MASE: LSTM %.2f, seasonal naive %.2f)",
                        s.targetName(), h, s.labels()[o],
                        c.row("lstm").scores().mase(), c.row("seasonal_naive").scores().mase()),
                "row", s.targetName(), lines);
    }

    /** Every test forecast: origin, step, actual, LSTM with intervals, seasonal naive. */
    static void writeTestForecasts(Path file, TimeSeries s, Comparison c, SavedModel saved) {
        SeriesEncoding enc = saved.encoding();
        Intervals iv = saved.intervals();
        StringBuilder sb = new StringBuilder("origin,time,step,actual,lstm,lo80,hi80,lo95,hi95,seasonal_naive\n");
        int[] origins = c.lstm().origins();
        for (int i = 0; i < origins.length; i++) {
            for (int k = 0; k < c.lstmZ()[i].length; k++) {
                double z = c.lstmZ()[i][k];
                sb.append(s.labels()[origins[i]]).append(',').append(s.labels()[origins[i] + 1 + k]).append(',').append(k + 1)
                        .append(',').append(c.lstm().actual()[i][k]).append(',').append(enc.y(z))
                        .append(',').append(enc.y(z + iv.lower()[0][k])).append(',').append(enc.y(z + iv.upper()[0][k]))
                        .append(',').append(enc.y(z + iv.lower()[1][k])).append(',').append(enc.y(z + iv.upper()[1][k]))
                        .append(',').append(c.seasonalNaive().predicted()[i][k]).append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    // ------------------------------------------------------------------ evaluate

    /** A trained model with its saved settings. */
    record Loaded(Path path, MultiLayerNetwork net, SavedModel saved) {
        LstmForecaster forecaster() {
            return new LstmForecaster(net, saved.encoding(), saved.run().window(), saved.strategy());
        }
    }

    static Loaded load(Path model) {
        Path path = model != null ? model : RunDirs.newestModel(APP);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new UserException("--model " + path + ": no such file");
        }
        ModelZip.requireApp(path, APP);
        String json = ModelZip.readEntry(path, Trainer.CONFIG_ENTRY);
        if (json == null) {
            throw new UserException("--model " + path + ": not a forecast model (no " + Trainer.CONFIG_ENTRY + " inside)");
        }
        SavedModel saved = ModelZip.parse(path, json, SavedModel.class);
        if (saved.encoding() == null) {
            throw new UserException("--model " + path + ": not a forecast model");
        }
        return new Loaded(path, ModelZip.loadMultiLayer(path, false), saved);
    }

    /** What {@code evaluate} returns. */
    public record EvaluateResult(Path model, String series, Comparison test) {
    }

    static void checkColumns(TimeSeries s, SavedModel saved) {
        int expected = saved.encoding().featMean().length;
        if (s.features().length != expected) {
            throw new UserException(s.source() + ": the model takes " + expected + " feature column(s), --features gives "
                    + s.features().length);
        }
    }

    // ------------------------------------------------------------------ predict

    /** One forecast step beyond the data. */
    public record Step(String time, double forecast, double lo80, double hi80, double lo95, double hi95) {
    }

    /** What {@code predict} returns. */
    public record PredictResult(Path model, List<Step> steps) {
    }

    // ------------------------------------------------------------------ helpers

    private static double[] range(int from, int to) {
        double[] x = new double[to - from];
        for (int i = 0; i < x.length; i++) {
            x[i] = from + i + 1;                   // 1-based rows, as in the CSV's data lines
        }
        return x;
    }

    private static double[] slice(double[] v, int from, int to) {
        return java.util.Arrays.copyOfRange(v, from, to);
    }

    private static <T> T pick(T given, T fallback) {
        return given != null ? given : fallback;
    }

}
