package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.report.AtomicFiles;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.series.Baselines;
import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.Intervals;
import io.github.lstmsuite.common.series.RollingOrigin;
import io.github.lstmsuite.common.series.SeriesEncoding;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.Theta;
import io.github.lstmsuite.common.series.TimeSeries;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a forecaster is judged and shown: prediction intervals from validation residuals, the LSTM beside
 * the four baselines on the test part (same rolling origins, same scale), and the table, chart and CSV
 * that report it.
 */
final class ForecastReport {
    private ForecastReport() {
    }

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
        return Intervals.conformal(res, ForecastApp.LEVELS);
    }

    /** Scores the LSTM and the four baselines on the test part, with the same origins and the same scale. */
    static Comparison compare(LstmForecaster lstm, TimeSeries series, Split split, ForecastApp.SavedModel saved) {
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
        // the statistical methods forecasters use, beside the LSTM: ETS (R's ets: chosen and fitted on everything before
        // the test part, its states updated at each origin) and Theta (R's thetaf, refitted at each origin)
        for (Forecaster stat : List.of(new Ets(saved.run().period()), new Theta(saved.run().period()))) {
            rows.add(new Row(stat.name(), RollingOrigin.evaluate(stat, series, split.valEnd(), split.n(), h, scale).scores()));
        }
        double[][] az = RollingOrigin.actuals(enc.z(series.target()), origins, h);
        Intervals iv = saved.intervals();
        return new Comparison(l.origins().length, rows, iv.coverage(0, az, lz), iv.coverage(1, az, lz), l, lz, sn);
    }

    static void printSeries(TimeSeries s, ForecastApp.RunConfig cfg, Split split) {
        String[] lb = s.labels();
        System.out.printf("series: %s — %,d rows (%s … %s), target %s%s%n", s.source(), s.length(), lb[0], lb[s.length() - 1],
                s.targetName(), s.features().length > 0 ? ", features " + String.join(", ", s.featureNames()) : "");
        System.out.printf("split: train %,d (%s … %s) | validation %,d | test %,d (%s … %s)%n", split.trainSize(), lb[0],
                lb[split.trainEnd() - 1], split.valSize(), split.testSize(), lb[split.valEnd()], lb[s.length() - 1]);
        System.out.printf("horizon %d, period %d (%s), window %d, log %s, diff %s: encoding fitted on the training part only%n",
                cfg.horizon(), cfg.period(), cfg.periodDetected() ? "detected" : "given", cfg.window(),
                cfg.log() ? "on" : "off", cfg.diff() ? "on" : "off");
    }

    static void printComparison(Comparison c, ForecastApp.SavedModel saved) {
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
        System.out.printf("intervals (conformal, from validation residuals): 80%% covers %.1f%%, 95%% covers %.1f%% of the test values%n",
                100 * c.coverage80(), 100 * c.coverage95());
        if (Math.abs(c.coverage80() - 0.80) > 0.10 || Math.abs(c.coverage95() - 0.95) > 0.10) {
            System.out.println("warning: an interval's test coverage is more than 10 points from its nominal level: "
                    + "the validation part was too short or unlike the test part to calibrate them; read them as rough");
        }
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
    static void chart(Path file, TimeSeries s, Split split, Comparison c, ForecastApp.SavedModel saved) {
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
                s.timeName() != null ? s.timeName() : "row", s.targetName(), lines, at -> {
                    int row = (int) Math.round(at) - 1;        // x counts rows from 1
                    return row >= 0 && row < s.length() ? s.labels()[row] : "";
                });
    }

    /** Every test forecast: origin, step, actual, LSTM with intervals, seasonal naive. */
    static void writeTestForecasts(Path file, TimeSeries s, Comparison c, ForecastApp.SavedModel saved) {
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

    /** Writes {@code forecast.png} and {@code test_forecasts.csv} into {@code runDir}; returns the chart's path. */
    static Path writeChartAndForecasts(Path runDir, TimeSeries s, Split split, Comparison c, ForecastApp.SavedModel saved) {
        Path chart = runDir.resolve("forecast.png");
        chart(chart, s, split, c, saved);
        writeTestForecasts(runDir.resolve("test_forecasts.csv"), s, c, saved);
        return chart;
    }

    /** Adds the data and the test scores to {@code summary}. */
    static void addTo(RunSummary summary, TimeSeries s, Split split, Comparison c, ForecastApp.SavedModel saved,
                      Map<LstmForecaster.Strategy, Double> valMae) {
        summary.data.put("name", s.source());
        summary.data.put("target", s.targetName());
        summary.data.put("rows", Integer.toString(s.length()));
        summary.data.put("train_rows", Integer.toString(split.trainSize()));
        summary.data.put("validation_rows", Integer.toString(split.valSize()));
        summary.data.put("test_rows", Integer.toString(split.testSize()));
        summary.metrics.putAll(metrics(c));
        summary.metrics.put("strategy", saved.strategy().name());
        valMae.forEach((k, v) -> summary.metrics.put("val_mae_" + k, v));
        summary.metrics.put("test_origins", c.origins());
        summary.headline = String.format("test MASE %.3f (seasonal naive %.3f)", c.row("lstm").scores().mase(),
                c.row("seasonal_naive").scores().mase());
    }
}
