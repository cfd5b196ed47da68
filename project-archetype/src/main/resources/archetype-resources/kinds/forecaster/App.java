package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.RunOptions;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.series.Baselines;
import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.Theta;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
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
 * {@code ./run}: trains an LSTM to forecast the next {@code h} values of a series, then scores it on the
 * last part of the series beside four baselines (naive, seasonal naive, drift, mean) with MAE, sMAPE and
 * MASE, and writes the run folder: {@code summary.json}, {@code metrics.csv}, {@code model.zip}, learning
 * curves and {@code forecast.png}. The training lifecycle is the suite's {@link TrainingRun}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train an LSTM forecaster on the bundled series and compare it with four baselines.")
public final class App implements Callable<App.Result> {
    static final String APP = "forecaster";

    /** Everything a run is made with; stored in its checkpoints and in {@code model.zip}. */
    public record Config(Model.Config model, int period, int val, int test, int epochs, int batchSize, int patience, String data) {
    }

    /** What a run returns: test scores per method ({@code lstm}, {@code seasonal_naive}, …). */
    public record Result(Path runDir, Path model, Map<String, ForecastMetrics.Scores> test, TrainState state) {
    }

    @Option(names = "--data", paramLabel = "CSV", defaultValue = "data/airpassengers.csv", description = "time,value rows after a header line (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--horizon", paramLabel = "H", defaultValue = "12", description = "Steps to forecast (default: ${DEFAULT-VALUE}).")
    int horizon;
    @Option(names = "--window", paramLabel = "W", defaultValue = "24", description = "Past values the LSTM reads (default: ${DEFAULT-VALUE}).")
    int window;
    @Option(names = "--period", paramLabel = "M", defaultValue = "12", description = "Seasonal period, for seasonal naive and MASE (default: ${DEFAULT-VALUE}).")
    int period;
    @Option(names = "--val", paramLabel = "N", defaultValue = "24", description = "Values before the test part that pick the best epoch (default: ${DEFAULT-VALUE}).")
    int val;
    @Option(names = "--test", paramLabel = "N", defaultValue = "24", description = "Values at the end kept for the final scores (default: ${DEFAULT-VALUE}).")
    int test;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "150", description = "Passes over the training windows (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Windows per mini-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "32", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", paramLabel = "L", defaultValue = "1", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.005", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--patience", paramLabel = "E", defaultValue = "0", description = "Early stopping: epochs without a lower validation MAE (0 = off).")
    int patience;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Same seed, same numbers (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    RunOptions runOptions = new RunOptions();            // --output-dir, --resume, --force, --checkpoint-minutes, --verbose

    public static void main(String[] args) {
        System.exit(run(args).exitCode());
    }

    /** Runs exactly what the command line runs and returns the exit code and the {@link Result}. */
    public static Cli.Outcome run(String... args) {
        return Cli.run(new App(), args);
    }

    @Override
    public Result call() throws Exception {
        if (horizon < 1 || window < 2 || period < 1 || val < horizon || test < horizon || epochs < 1 || batchSize < 1
                || hidden < 1 || layers < 1 || !(learningRate > 0) || patience < 0) {
            throw new UserException("--horizon, --period, --epochs, --batch-size, --hidden, --layers ≥ 1, --window ≥ 2, "
                    + "--val and --test ≥ --horizon, --learning-rate > 0");
        }
        NativeSetup.apply(null);
        TrainingRun.Options options = runOptions.options();
        try (TrainingRun<Config> run = TrainingRun.start(APP, options, Config.class, () -> new Config(
                new Model.Config(window, horizon, hidden, layers, learningRate, seed), period, val, test, epochs, batchSize,
                patience, data.toString()))) {
            Config cfg = run.config();
            Model.Config mc = cfg.model();
            int h = mc.horizon();

            // ---- data: train | validation | test, in time order; the test part is read once, at the end
            Data.Series s = Data.read(Path.of(cfg.data()));
            double[] y = s.values();
            int testStart = s.length() - cfg.test();
            int valStart = testStart - cfg.val();
            if (valStart - mc.window() - h < 1) {
                throw new UserException(cfg.data() + ": " + s.length() + " values are too few for --window " + mc.window()
                        + ", --horizon " + h + ", --val " + cfg.val() + " and --test " + cfg.test());
            }
            TimeSeries series = TimeSeries.of(s.name(), y);
            int[] valOrigins = Data.origins(valStart - 1, testStart - 1 - h);        // every forecast inside the validation part
            int[] testOrigins = Data.origins(testStart - 1, s.length() - 1 - h);      // every forecast inside the test part
            System.out.printf("series: %s, %d values (%s … %s); training %d, validation %d, test %d; forecasting %d steps%n",
                    s.name(), s.length(), s.times()[0], s.times()[s.length() - 1], valStart, cfg.val(), cfg.test(), h);

            // ---- model
            MultiLayerNetwork net = Model.build(mc);
            System.out.printf("model: %d × LSTM(%d) over %d steps → last step → linear %d, %,d parameters%n",
                    mc.layers(), mc.hidden(), mc.window(), h, net.numParams());

            // ---- train: the epoch with the lowest validation MAE is kept
            double scale = ForecastMetrics.maseScale(y, valStart, cfg.period());
            Trainer.Result<MultiLayerNetwork> fit = run.fit(net,
                    Data.batches(y, valStart, mc.window(), h, cfg.batchSize(), mc.seed()),
                    n -> Map.of("val_mae", score(Model.forecaster(n, mc), series, valOrigins, h, scale).mae()),
                    cfg.epochs(), mc.seed(), "val_mae", false, cfg.patience());
            if (fit.interrupted()) {
                return new Result(run.runDir(), null, Map.of(), fit.state());
            }

            // ---- evaluate: the LSTM, the baselines, ETS (R's ets) and the Theta method (R's thetaf) on the same test origins
            List<Forecaster> methods = new ArrayList<>(List.of(Model.forecaster(fit.network(), mc)));
            methods.addAll(Baselines.all(cfg.period()));
            methods.add(new Ets(cfg.period()));
            methods.add(new Theta(cfg.period()));
            Map<String, ForecastMetrics.Scores> scores = new LinkedHashMap<>();
            System.out.printf("%ntest: %d forecasts of %d steps%n%-16s %10s %10s %8s %6s%n", testOrigins.length, h,
                    "method", "MAE", "RMSE", "sMAPE", "MASE");
            for (Forecaster f : methods) {
                ForecastMetrics.Scores sc = score(f, series, testOrigins, h, scale);
                scores.put(f.name(), sc);
                System.out.printf("%-16s %10.3f %10.3f %7.2f%% %6.3f%n", f.name(), sc.mae(), sc.rmse(), sc.smape(), sc.mase());
            }
            chart(run.runDir().resolve("forecast.png"), s, testOrigins[0], h, methods.get(0), Baselines.seasonalNaive(cfg.period()), series);

            // ---- report
            Path model = run.saveModel(fit.network());
            RunSummary summary = run.summary(fit.state(), mc.seed());
            scores.forEach((name, sc) -> {
                summary.metrics.put("test_mae_" + name, sc.mae());
                summary.metrics.put("test_mase_" + name, sc.mase());
            });
            summary.write(run.runDir().resolve("summary.json"));
            System.out.printf("%nLSTM test MASE %.3f (seasonal naive %.3f)   run folder: %s%n", scores.get("lstm").mase(),
                    scores.get("seasonal_naive").mase(), run.runDir().toAbsolutePath().normalize());
            return new Result(run.runDir(), model, scores, fit.state());
        }
    }

    /** MAE, RMSE, sMAPE and MASE of {@code f}'s forecasts from {@code origins}, in the series' units. */
    static ForecastMetrics.Scores score(Forecaster f, TimeSeries series, int[] origins, int h, double scale) {
        double[][] predicted = f.forecast(series, origins, h);
        double[][] actual = new double[origins.length][h];
        for (int i = 0; i < origins.length; i++) {
            System.arraycopy(series.target(), origins[i] + 1, actual[i], 0, h);
        }
        return ForecastMetrics.score(actual, predicted, scale);
    }

    /** The series, and the LSTM's and seasonal naive's forecasts from the first test origin. */
    private static void chart(Path file, Data.Series s, int origin, int h, Forecaster lstm, Forecaster snaive, TimeSeries series) {
        double[] x = new double[s.length()];
        for (int t = 0; t < x.length; t++) {
            x[t] = t + 1;
        }
        double[] fx = new double[h];
        for (int k = 0; k < h; k++) {
            fx[k] = origin + 2 + k;
        }
        Charts.lines(file, s.name() + ": forecasts from " + s.times()[origin], "row", "value", List.of(
                new Charts.Line("actual", x, s.values(), Color.DARK_GRAY, false),
                new Charts.Line("lstm", fx, lstm.forecast(series, new int[] {origin}, h)[0], new Color(0, 102, 204), false),
                new Charts.Line("seasonal naive", fx, snaive.forecast(series, new int[] {origin}, h)[0], new Color(204, 102, 0), true)));
    }
}
