package io.github.lstmsuite.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default {@code ./lstm forecast}: the panel model (an ensemble of LSTMs with ETS) on one series, as a user runs
 * it, then its model file read back by {@code predict}, {@code evaluate} and the Java API — the same numbers as the
 * training run wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanelOfOneTest {
    static final long SEED = ForecastAppTest.SEED;
    @TempDir
    static Path dir;
    private Path csv;
    private ForecastApp.TrainResult trained;

    private static Cli.Captured run(String... args) {
        return ForecastAppTest.run(args);
    }

    /** The noise-free series ForecastAppTest.seasonalCsv draws from: level 100, +0.05 a month, a yearly cycle of 10. */
    private static double truth(int t) {
        return 100 + 0.05 * t + 10 * Math.sin(2 * Math.PI * t / 12);
    }

    @BeforeAll
    void train() throws Exception {
        csv = dir.resolve("seasonal.csv");
        Files.writeString(csv, ForecastAppTest.seasonalCsv(240));
        Cli.Captured r = run("--csv", csv.toString(), "--horizon", "6", "--members", "2", "--epochs", "6", "--steps-per-epoch", "20",
                "--hidden", "16", "--seed", Long.toString(SEED), "--output-dir", dir.resolve("run").toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        trained = r.outcome().result(ForecastApp.TrainResult.class);
        assertTrue(r.out().contains("monthly (1)") && r.out().contains("lstm+ets intervals"), r.out());
    }

    @Test
    void theRunWritesTheModelChartAndForecasts() {
        for (String f : List.of("model.zip", "summary.json", "forecast.png", "panel_forecasts.csv", "report.html")) {
            assertTrue(Files.isRegularFile(trained.runDir().resolve(f)), f);
        }
        assertEquals(trained.runDir().resolve("model.zip"), trained.model());
        ForecastPanel.SeriesScores s = trained.panel().series().get(0);
        assertEquals(240 - 12 - 12, s.trainRows(), "test 2H = 12, validation 2H = 12");
        assertEquals(12, s.testRows());
        // the panel's forecast beats seasonal naive on this cycle with a trend (measured, seeds 1-5, AVX-512 and AVX2:
        // MASE lstm+ets 0.585-0.611, seasonal naive 1.068; the bound, 0.96, leaves over a third of margin)
        double mase = s.scores().get("lstm+ets").mase();
        System.out.printf("panel of one: lstm+ets MASE %.3f, lstm %.3f, seasonal naive %.3f (seed %d)%n", mase,
                s.scores().get("lstm").mase(), s.scores().get("seasonal_naive").mase(), SEED);
        assertTrue(mase < 0.9 * s.scores().get("seasonal_naive").mase(), "lstm+ets MASE " + mase);
    }

    @Test
    void predictGivesTheForecastsTheRunWrote() throws Exception {
        Cli.Captured r = run("predict", "--model", trained.model().toString());      // its series: the CSV it was trained on
        assertEquals(0, r.outcome().exitCode(), r.err());
        List<SeriesForecaster.Step> steps = r.outcome().result(ForecastPredict.Result.class).steps();
        List<String> rows = Files.readAllLines(trained.runDir().resolve("panel_forecasts.csv"));
        assertEquals(6, steps.size());
        assertEquals(1 + 6, rows.size());
        for (int k = 0; k < 6; k++) {
            String[] f = rows.get(k + 1).split(",");        // series,time,step,lstm,lstm+ets,ets,lo80,hi80,lo95,hi95
            SeriesForecaster.Step st = steps.get(k);
            assertEquals(f[1], st.time());
            double[] want = {Double.parseDouble(f[4]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                    Double.parseDouble(f[9])};
            double[] got = {st.forecast(), st.lo80(), st.hi80(), st.lo95(), st.hi95()};
            for (int c = 0; c < want.length; c++) {
                assertEquals(want[c], got[c], 1e-5 * Math.abs(want[c]), "step " + (k + 1) + " column " + c);   // the CSV's 6 digits
            }
            assertTrue(st.lo95() <= st.lo80() && st.lo80() <= st.forecast() && st.forecast() <= st.hi80() && st.hi80() <= st.hi95(),
                    st.toString());
            // within 1.5 of the series without its noise (measured, seeds 1-5, AVX-512 and AVX2: within 0.30-0.53; the noise's
            // σ is 1)
            assertEquals(truth(240 + k), st.forecast(), 1.5, "step " + (k + 1));
        }
        assertEquals("2020-01", steps.get(0).time());
        double worst = 0;
        for (int k = 0; k < 6; k++) {
            worst = Math.max(worst, Math.abs(truth(240 + k) - steps.get(k).forecast()));
        }
        System.out.printf("panel of one: forecasts within %.2f of the noise-free values (seed %d)%n", worst, SEED);
    }

    @Test
    void evaluateReproducesTheRunsScores() {
        Cli.Captured r = run("evaluate", "--model", trained.model().toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        ForecastPanel.SeriesScores e = r.outcome().result(ForecastEvaluate.Result.class).panel();
        ForecastPanel.SeriesScores s = trained.panel().series().get(0);
        for (String m : ForecastPanel.METHODS) {
            assertEquals(s.scores().get(m).mase(), e.scores().get(m).mase(), 1e-12, m);
        }
        assertTrue(Arrays.equals(s.covered(), e.covered()), "the intervals cover the same test values");
    }

    @Test
    void theJavaApiForecastsAnArrayAsTheCliForecastsTheFile() throws Exception {
        SeriesForecaster model = SeriesForecaster.load(trained.model());
        assertTrue(model.isPanel());
        assertEquals(6, model.horizon());
        assertEquals(ForecastPanel.minLength(12, 6), model.needs());
        double[] values = Files.readAllLines(csv).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
        SeriesForecaster.Forecast f = model.forecast(values, 6);
        List<SeriesForecaster.Step> cli = run("predict", "--model", trained.model().toString(), "--horizon", "4")
                .outcome().result(ForecastPredict.Result.class).steps();
        assertEquals(4, cli.size());
        for (int k = 0; k < 4; k++) {                   // the same numbers; the array has row numbers, not months
            assertEquals(cli.get(k).forecast(), f.steps().get(k).forecast(), 1e-9);
            assertEquals(cli.get(k).lo95(), f.steps().get(k).lo95(), 1e-9);
        }
        // a series asked for again is answered from the model's recent forecasts: the same numbers; a changed value is not
        assertEquals(f.steps(), model.forecast(values, 6).steps());
        double[] changed = values.clone();
        changed[changed.length - 1] += 30;
        assertTrue(Math.abs(model.forecast(changed, 6).steps().get(0).forecast() - f.steps().get(0).forecast()) > 1,
                "the last value moved the forecast");
        UserException longer = assertThrows(UserException.class, () -> model.forecast(values, 7));
        assertTrue(longer.getMessage().contains("--horizon must be 1..6"), longer.getMessage());
        UserException shortSeries = assertThrows(UserException.class, () -> model.forecast(Arrays.copyOf(values, 20), 6));
        assertTrue(shortSeries.getMessage().contains("20 rows; the model needs at least " + model.needs()), shortSeries.getMessage());
    }

    @Test
    void theSingleSeriesFlagsNeedSingle() throws Exception {
        Cli.Captured r = run("--csv", csv.toString(), "--strategy", "direct", "--log", "off", "--output-dir", dir.resolve("x").toString());
        assertEquals(2, r.outcome().exitCode());
        assertEquals("error: --strategy, --log belong to the single-series LSTM: add --single (the default panel model splits and scales a series itself)",
                r.err().strip());
        Cli.Captured m = run("--single", "--members", "3", "--csv", csv.toString(), "--output-dir", dir.resolve("y").toString());
        assertEquals(2, m.outcome().exitCode());
        assertEquals(1, m.err().strip().lines().count(), m.err());
        Path singleRun = dir.resolve("a-single-run");
        Files.createDirectories(singleRun.resolve("direct"));
        Cli.Captured resume = run("--resume", "--output-dir", singleRun.toString());
        assertEquals(2, resume.outcome().exitCode());
        assertEquals("error: --resume: " + singleRun + " is a run of the single-series LSTM: add --single", resume.err().strip());
        Cli.Captured p = run("predict", "--model", trained.model().toString(), "--period", "0");
        assertEquals(2, p.outcome().exitCode());
        assertTrue(p.err().contains("--period must be at least 1"), p.err());
    }
}
