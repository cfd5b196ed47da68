package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetFile;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.series.CsvSeries;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.TimeSeries;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The series the app knows by name (bundled in {@code data/timeseries}, see its SOURCE.md) and the
 * loading of any CSV series.
 */
public final class ForecastData {
    /**
     * A bundled series.
     *
     * @param horizon  its natural forecast horizon (a year of months, a week of days, …)
     * @param features default feature columns (multivariate sets only)
     */
    public record Bundled(String name, DatasetFile file, String target, int horizon, List<String> features, String about) {
    }

    /**
     * The catalogue. The R-derived files were exported from R's {@code datasets} package and exist
     * nowhere online byte for byte, so they have no download URL: they ship with the suite. The two
     * from jbrownlee/Datasets download from there when missing.
     */
    public static final Map<String, Bundled> BUNDLED = catalogue(
            bundled("airpassengers", "airpassengers.csv", "eda0181c2450975f5ad68556dcf14367541b22553f0c628b9747334cfdc6c96c",
                    "passengers_thousands", 12, List.of(), "monthly airline passengers, 1949–1960 (Box & Jenkins)"),
            bundled("sunspots-monthly", "sunspots-monthly.csv", "3b3725d5c8c76554f0fcf4d9ab89713a167c00f25dfc13bd6d38fc2ed40e7441",
                    "sunspots", 12, List.of(), "monthly mean sunspot number, 1749–2013 (SILSO, CC BY-NC)"),
            bundled("daily-min-temperatures", "daily-min-temperatures.csv", "8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da",
                    "Temp", 7, List.of(), "daily minimum temperature in Melbourne, 1981–1990",
                    "https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv"),
            bundled("nile-annual", "nile-annual.csv", "1936b1c5901e350bff8a275d22c61c0f2a680f920133daec17226cc34832e1f5",
                    "flow_1e8_m3", 5, List.of(), "annual flow of the Nile at Aswan, 1871–1970"),
            bundled("seatbelts-monthly", "seatbelts-monthly.csv", "997411cb58111b4c4d547034ff6b7cbd606f420d3d00e46831e8c99a8c2b4af8",
                    "DriversKilled", 12, List.of(), "UK car drivers killed per month, 1969–1984"),
            bundled("eustockmarkets-daily", "eustockmarkets-daily.csv", "3ae0bfe9e16aa82b1370d112fe9b956ec8f62cba0ef6475a1153d81780c90c35",
                    "DAX", 5, List.of(), "DAX closing prices, business days 1991–1998"),
            bundled("airquality-daily", "airquality-daily.csv", "2fa230a8061358f426a9e8f3e44496ca147ebb8681cf525f1fc2935e2c8c42d7",
                    "Ozone", 7, List.of(), "daily ozone in New York, May–Sep 1973 (37 of 153 values missing)"),
            bundled("beijing-pm25-hourly", "beijing-pm25-hourly.csv", "892e9559205d16d32623135c127a3951c12e46ea1e0b3093e107ce89a9fd60e2",
                    "pm2.5", 24, List.of("DEWP", "TEMP", "PRES", "Iws"), "hourly PM2.5 and weather in Beijing, 2010–2014 (UCI, CC BY 4.0)",
                    "https://raw.githubusercontent.com/jbrownlee/Datasets/master/pollution.csv"));

    /** The univariate bundled series (the README's comparison table runs each of them). */
    public static final List<String> UNIVARIATE = List.of("airpassengers", "sunspots-monthly", "daily-min-temperatures",
            "nile-annual", "seatbelts-monthly", "eustockmarkets-daily", "airquality-daily");

    private ForecastData() {
    }

    /**
     * What to read.
     *
     * @param series   a bundled name (ignored when {@code csv} is set)
     * @param csv      any CSV file
     * @param target   target column ({@code null}: the bundled one, or the CSV's only numeric column)
     * @param features feature columns ({@code null}: the bundled default, else none)
     * @param time     time column ({@code null}: detected)
     * @param missing  what to do with missing values
     * @param rows     use only the first {@code rows} rows (0 = all)
     */
    public record Source(String series, Path csv, String target, List<String> features, String time,
                         CsvSeries.Missing missing, int rows) {
    }

    /** Reads the series {@code src} names. */
    public static TimeSeries load(Source src) {
        Path file;
        String target = src.target();
        List<String> features = src.features();
        if (src.csv() != null) {
            file = src.csv();
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new UserException("--csv " + file + ": no such file");
            }
        } else {
            Bundled b = bundled(src.series());
            file = DatasetResolver.standard().resolve(b.file());
            target = target != null ? target : b.target();
            features = features != null ? features : b.features();
        }
        TimeSeries s = CsvSeries.read(file, new CsvSeries.Columns(target, features, src.time()), src.missing());
        if (src.rows() > 0 && src.rows() < s.length()) {
            int n = src.rows();
            double[][] f = new double[s.features().length][];
            for (int i = 0; i < f.length; i++) {
                f[i] = Arrays.copyOf(s.features()[i], n);
            }
            s = new TimeSeries(s.source(), s.targetName(), s.timeName(), Arrays.copyOf(s.labels(), n),
                    Arrays.copyOf(s.target(), n), s.featureNames(), f);
        }
        return s;
    }

    /** The bundled series called {@code name}; an unknown name is a user error listing the known ones. */
    public static Bundled bundled(String name) {
        Bundled b = BUNDLED.get(name);
        if (b == null) {
            throw new UserException("--series: unknown series '" + name + "' (bundled: " + String.join(", ", BUNDLED.keySet())
                    + "; or pass --csv FILE)");
        }
        return b;
    }

    private static Bundled bundled(String name, String file, String sha, String target, int horizon, List<String> features,
                                   String about, String... urls) {
        return new Bundled(name, new DatasetFile("timeseries", file, sha, List.of(urls)), target, horizon, features, about);
    }

    private static Map<String, Bundled> catalogue(Bundled... all) {
        Map<String, Bundled> m = new LinkedHashMap<>();
        for (Bundled b : all) {
            m.put(b.name(), b);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The first values of {@code s} in log when its first {@code n} are all positive (for the period detection). */
    static double[] logIfPositive(TimeSeries s, int n) {
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
    static Split split(TimeSeries series, ForecastApp.RunConfig cfg) {
        int minTrain = cfg.window() + cfg.horizon() + 1 + 8;     // a window, its horizon, and a few windows to shuffle
        Split split;
        try {
            split = Split.chronological(series.source(), series.length(), cfg.horizon(), cfg.valFraction(), cfg.testFraction(), minTrain);
        } catch (UserException e) {
            if (!e.getMessage().contains("rows are too few")) {
                throw e;
            }
            // the panel model validates on less and reads shorter histories: point to it
            throw new UserException(e.getMessage() + " (./lstm forecast --panel FILE takes a short series: a two-column time,value CSV is a panel of one)");
        }
        if (cfg.period() >= split.trainEnd()) {
            throw new UserException("--period " + cfg.period() + " is not shorter than the training part (" + split.trainEnd() + " rows)");
        }
        return split;
    }
}
