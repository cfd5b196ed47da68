package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.series.CsvSeries;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Which series: a bundled name or a CSV file, and its columns (a picocli mixin shared by all commands). */
final class SeriesOptions {
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
            return new ForecastData.Source(saved.series(), saved.csv(), target != null ? target : saved.target(),
                    features != null ? features : saved.features(), time != null ? time : saved.time(),
                    missing != null ? missing : saved.missing(), rows != null ? rows : saved.rows());
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
