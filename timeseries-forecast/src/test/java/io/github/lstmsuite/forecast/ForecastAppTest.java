package io.github.lstmsuite.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.series.CsvSeries;
import io.github.lstmsuite.common.series.TimeSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Random;

/**
 * The single-series LSTM ({@code ./lstm forecast --single}) as a user runs it ({@code runExample} is what {@code main}
 * calls), on a synthetic monthly series with a yearly cycle, a trend and noise: one fixed-seed training run, then
 * evaluate and predict on what it wrote, then bad input. (The default, the panel model on one series:
 * {@link PanelOfOneTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForecastAppTest {
    /**
     * The training run's seed: {@code -Dlstm.test.seed=S} on Maven's command line runs these tests with another seed
     * ({@code benchmarks/test-seeds.sh} does, for seeds 1–5 and both instruction sets); the floors below hold for all of them.
     */
    static final long SEED = Long.getLong("lstm.test.seed", 1);
    @TempDir
    static Path dir;
    private Path csv;
    private ForecastApp.TrainResult trained;

    /** Runs the app exactly as {@code main} does, output captured. */
    static Cli.Captured run(String... args) {
        return Cli.captured(() -> ForecastApp.runExample(args));
    }

    /** 240 months: level 100, +0.05 a month, a yearly cycle of amplitude 10, noise σ = 1. */
    static String seasonalCsv(int rows) {
        Random rnd = new Random(5);
        StringBuilder sb = new StringBuilder("month,value\n");
        YearMonth m = YearMonth.of(2000, 1);
        for (int t = 0; t < rows; t++) {
            double v = 100 + 0.05 * t + 10 * Math.sin(2 * Math.PI * t / 12) + rnd.nextGaussian();
            sb.append(m.plusMonths(t)).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", v)).append('\n');
        }
        return sb.toString();
    }

    @BeforeAll
    void train() throws Exception {
        csv = dir.resolve("seasonal.csv");
        Files.writeString(csv, seasonalCsv(240));
        Cli.Captured r = run("--single", "--csv", csv.toString(), "--horizon", "6", "--epochs", "12", "--steps-per-epoch", "20", "--hidden", "32",
                "--seed", Long.toString(SEED), "--output-dir", dir.resolve("run").toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        trained = r.outcome().result(ForecastApp.TrainResult.class);
        assertTrue(r.out().contains("period 12 (detected)"), r.out());
        assertTrue(r.out().contains("seasonal_naive"), r.out());
    }

    /**
     * What this small budget (12 epochs of 20 batches, 32 units) reliably learns: the cycle. The noise alone gives an MAE
     * of 0.8 (σ·√(2/π)); naive, which misses the cycle, 9.41; seasonal naive 1.31. Measured over seeds 1–5, with AVX-512
     * and with AVX2 dispatch ({@code benchmarks/test-seeds.sh}): the LSTM's MAE is 0.09–0.17 of naive's and 0.87–1.22 of
     * seasonal naive's (MASE 0.93–1.31) — level with seasonal naive, not reliably ahead of it, so that is not asserted.
     * The bounds leave 30 % or more of margin over the worst of those ten runs.
     */
    @Test
    void theLstmLearnsTheCycleNaiveMisses() {
        ForecastReport.Comparison c = trained.test();
        double lstm = c.row("lstm").scores().mae();
        assertTrue(lstm < 0.25 * c.row("naive").scores().mae(), "lstm " + lstm + " vs naive " + c.row("naive").scores().mae());
        assertTrue(lstm < 1.6 * c.row("seasonal_naive").scores().mae(), "lstm " + lstm + " vs seasonal naive "
                + c.row("seasonal_naive").scores().mae());
        assertTrue(c.row("lstm").scores().mase() < 1.75, "MASE " + c.row("lstm").scores().mase());
        assertEquals(36 - 6 + 1, c.origins());                  // test part 36 rows (15 %), horizon 6
        // the 95 % intervals (conformal, from the validation residuals) covered 73.7–94.1 % of the test values in those
        // ten runs: calibrated on too short a validation part to be exact, but far from empty
        assertTrue(c.coverage95() > 0.55, "95% intervals cover " + c.coverage95());
    }

    @Test
    void writesTheModelSummaryChartAndForecasts() throws Exception {
        Path run = trained.runDir();
        for (String f : List.of("model.zip", "summary.json", "forecast.png", "test_forecasts.csv", "direct/metrics.csv",
                "recursive/metrics.csv")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        JsonNode s = Json.mapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(trained.test().row("lstm").scores().mase(), s.at("/metrics/lstm/mase").asDouble(), 1e-12);
        for (String b : List.of("naive", "seasonal_naive", "drift", "mean")) {
            assertTrue(s.at("/metrics/" + b + "/smape").isNumber(), b);
        }
        assertEquals(trained.strategy().name(), s.at("/metrics/strategy").asText());
        assertEquals(1 + trained.test().origins() * 6, Files.readAllLines(run.resolve("test_forecasts.csv")).size());
    }

    @Test
    void evaluateReproducesTheTrainingComparison() {
        Cli.Captured r = run("evaluate", "--model", trained.model().toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        ForecastEvaluate.Result e = r.outcome().result(ForecastEvaluate.Result.class);
        assertEquals(trained.test().row("lstm").scores().mae(), e.test().row("lstm").scores().mae(), 1e-9);
        assertEquals(trained.test().row("seasonal_naive").scores().mae(), e.test().row("seasonal_naive").scores().mae(), 0);
    }

    @Test
    void predictForecastsBeyondTheEndWithOrderedIntervals() throws Exception {
        Path out = dir.resolve("future.csv");
        Cli.Captured r = run("predict", "--model", trained.model().toString(), "--out", out.toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        List<SeriesForecaster.Step> steps = r.outcome().result(ForecastPredict.Result.class).steps();
        assertEquals(6, steps.size());
        assertEquals("2020-01", steps.get(0).time());
        assertEquals("2020-06", steps.get(5).time());
        for (SeriesForecaster.Step s : steps) {
            assertTrue(s.lo95() <= s.lo80() && s.lo80() <= s.hi80() && s.hi80() <= s.hi95(), s.toString());
            assertTrue(s.forecast() > 80 && s.forecast() < 135, s.toString());
        }
        // the series without its noise: 100 + 0.05 t + 10 sin(2π t / 12), t = 240 (January 2020) … 245. Over seeds 1–5 with
        // AVX-512 and AVX2 dispatch the six forecasts were within 3.3 of it (a little damped), and April stood 8.5–10.7 above
        // January (10.2 in truth): bounds of 5 and 5 leave a third or more of margin
        for (int h = 0; h < 6; h++) {
            int t = 240 + h;
            double truth = 100 + 0.05 * t + 10 * Math.sin(2 * Math.PI * t / 12);
            assertEquals(truth, steps.get(h).forecast(), 5, "step " + (h + 1));
        }
        assertTrue(steps.get(3).forecast() - steps.get(0).forecast() > 5, "the cycle: April above January");
        assertEquals(7, Files.readAllLines(out).size());
    }

    @Test
    void theJavaApiForecastsAnArrayLikeTheCliForecastsTheFile() throws Exception {
        SeriesForecaster model = SeriesForecaster.load(trained.model());
        assertEquals(6, model.horizon());
        double[] values = Files.readAllLines(csv).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
        SeriesForecaster.Forecast f = model.forecast(values, 6);
        List<SeriesForecaster.Step> cli = run("predict", "--model", trained.model().toString())
                .outcome().result(ForecastPredict.Result.class).steps();
        for (int k = 0; k < 6; k++) {                    // the same numbers; the array has row numbers, not months
            assertEquals(cli.get(k).forecast(), f.steps().get(k).forecast(), 1e-9);
            assertEquals(cli.get(k).lo95(), f.steps().get(k).lo95(), 1e-9);
            assertEquals(cli.get(k).hi80(), f.steps().get(k).hi80(), 1e-9);
        }
        try {                                     // beyond the trained horizon: a recursive model goes on without intervals,
            SeriesForecaster.Forecast longer = model.forecast(values, 9);                   // a direct one refuses
            assertEquals(9, longer.steps().size());
            assertTrue(Double.isNaN(longer.steps().get(8).lo80()) && !Double.isNaN(longer.steps().get(8).forecast()));
        } catch (io.github.lstmsuite.common.UserException e) {
            assertTrue(e.getMessage().contains("longer than the 6 steps"), e.getMessage());
        }
        org.junit.jupiter.api.Assertions.assertThrows(io.github.lstmsuite.common.UserException.class,
                () -> model.forecast(java.util.Arrays.copyOf(values, 3), 6));
    }

    @Test
    void forecastsReadNothingAfterTheirOrigin() {
        ForecastModel.Loaded m = ForecastModel.load(trained.model());
        TimeSeries s = CsvSeries.parse("s", seasonalCsv(240), new CsvSeries.Columns(null, null, null), CsvSeries.Missing.error);
        double[] changed = s.target().clone();
        for (int i = 201; i < changed.length; i++) {
            changed[i] = -1000;
        }
        TimeSeries future = new TimeSeries("changed", s.targetName(), s.timeName(), s.labels(), changed, List.of(), new double[0][]);
        for (LstmForecaster.Strategy st : LstmForecaster.Strategy.values()) {
            LstmForecaster f = new LstmForecaster(m.net(), m.saved().encoding(), m.saved().run().window(), st);
            if (st == LstmForecaster.Strategy.direct && m.saved().strategy() != st) {
                continue;                                     // a recursive model has one output: direct needs h
            }
            assertArrayEquals(f.forecast(s, new int[] {200}, 6)[0], f.forecast(future, new int[] {200}, 6)[0], 0, st.name());
        }
    }

    @Test
    void sameSeedSameNumbers() {
        String[] args = {"--single", "--csv", csv.toString(), "--horizon", "6", "--strategy", "direct", "--epochs", "2",
                "--steps-per-epoch", "5", "--hidden", "8", "--seed", "9"};
        Cli.Captured a = run(concat(args, "--output-dir", dir.resolve("same-a").toString()));
        Cli.Captured b = run(concat(args, "--output-dir", dir.resolve("same-b").toString()));
        assertEquals(0, a.outcome().exitCode(), a.err());
        assertEquals(a.outcome().result(ForecastApp.TrainResult.class).test().row("lstm").scores().mae(),
                b.outcome().result(ForecastApp.TrainResult.class).test().row("lstm").scores().mae(), 0);
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Cli.Captured missing = run("--csv", dir.resolve("nope.csv").toString());
        assertEquals(2, missing.outcome().exitCode());
        assertEquals("error: --csv " + dir.resolve("nope.csv") + ": no such file", missing.err().strip());

        Cli.Captured column = run("--csv", csv.toString(), "--target", "sales");
        assertEquals(2, column.outcome().exitCode());
        assertTrue(column.err().strip().startsWith("error: --target: " + csv + " has no column 'sales' (columns: month, value)"), column.err());
        assertEquals(1, column.err().strip().lines().count());

        // too short for this model goes to the panel model; too short for that too is an error naming the series
        Path shortCsv = dir.resolve("short.csv");
        Files.writeString(shortCsv, seasonalCsv(20));
        Cli.Captured tooShort = run("--single", "--csv", shortCsv.toString(), "--horizon", "6", "--period", "12",
                "--output-dir", dir.resolve("too-short").toString());
        assertEquals(2, tooShort.outcome().exitCode());
        assertTrue(tooShort.out().contains("20 rows are too few"), tooShort.out());
        assertTrue(tooShort.err().strip().startsWith("error: series short: 20 values are too few for horizon 6 with period 12"), tooShort.err());
        assertEquals(1, tooShort.err().strip().lines().count());

        Path text = dir.resolve("text.csv");
        Files.writeString(text, "month,value\n2000-01,1\n2000-02,two\n");
        Cli.Captured bad = run("--csv", text.toString());
        assertEquals(2, bad.outcome().exitCode());
        assertEquals("error: " + text + ": line 3, column 'value': 'two' is not a number", bad.err().strip());

        assertEquals(2, run("--series", "nosuch").outcome().exitCode());
        assertEquals(2, run("--single", "--csv", csv.toString(), "--strategy", "sideways").outcome().exitCode());
    }

    /** A model file the single-series LSTM wrote before the panel model was the default still loads and forecasts. */
    @Test
    void aSingleSeriesModelFromEarlierVersionsStillForecasts() throws Exception {
        Path old = dir.resolve("old-model.zip");
        try (var in = ForecastAppTest.class.getResourceAsStream("/models/single-series-2026-12.zip")) {
            Files.copy(in, old);
        }
        SeriesForecaster model = SeriesForecaster.load(old);
        assertTrue(!model.isPanel());
        assertEquals(12, model.horizon());
        Cli.Captured r = run("predict", "--model", old.toString());          // its series: the bundled airpassengers
        assertEquals(0, r.outcome().exitCode(), r.err());
        List<SeriesForecaster.Step> steps = r.outcome().result(ForecastPredict.Result.class).steps();
        assertEquals("1961-01", steps.get(0).time());
        assertTrue(steps.stream().allMatch(st -> st.forecast() > 300 && st.forecast() < 800 && st.lo95() <= st.hi95()), steps.toString());
        Cli.Captured e = run("evaluate", "--model", old.toString());
        assertEquals(0, e.outcome().exitCode(), e.err());
        assertTrue(e.outcome().result(ForecastEvaluate.Result.class).test().row("lstm").scores().mase() > 0);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
