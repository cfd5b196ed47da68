package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.series.Intervals;
import io.github.lstmsuite.common.series.SeriesEncoding;
import io.github.lstmsuite.common.series.TimeSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trained forecaster ({@code model.zip} from {@code ./lstm forecast}) as a Java object: give it a series,
 * get the next {@code h} values with 80 % and 95 % intervals. {@code ./lstm forecast predict} calls this.
 *
 * <pre>{@code
 * SeriesForecaster model = SeriesForecaster.load(Path.of("runs/forecast/20261202-101010/model.zip"));
 * SeriesForecaster.Forecast f = model.forecast(monthlyValues, 12);     // double[]: the series so far
 * f.steps().forEach(s -> System.out.printf("%s %.1f [%.1f, %.1f]%n", s.time(), s.forecast(), s.lo95(), s.hi95()));
 * }</pre>
 *
 * <p>Needs on the class path: this module ({@code io.github.lstmsuite:timeseries-forecast}) and the suite's
 * {@code io.github.lstmsuite:common}, with their dependencies. Not thread-safe: one instance per thread.
 */
public final class SeriesForecaster {
    /** One forecast step beyond the data: its time label, the forecast, and its 80 % and 95 % intervals. */
    public record Step(String time, double forecast, double lo80, double hi80, double lo95, double hi95) {
    }

    private final ForecastModel.Loaded model;

    SeriesForecaster(ForecastModel.Loaded model) {
        this.model = model;
    }

    /** Loads a model made by {@code ./lstm forecast}; another app's file is a one-line {@code UserException}. */
    public static SeriesForecaster load(Path modelZip) {
        return new SeriesForecaster(ForecastModel.load(Objects.requireNonNull(modelZip, "modelZip")));
    }

    /** The horizon the model was trained for (and has intervals for). */
    public int horizon() {
        return model.saved().run().horizon();
    }

    /**
     * The series the model was trained on, read again from where training read it (the bundled data set or the
     * CSV file), or {@code null} when it cannot be read here.
     */
    public TimeSeries trainingSeries() {
        try {
            return ForecastData.load(model.saved().run().source());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the model reads feature columns beside the target (then a forecast needs them too). */
    public boolean hasFeatures() {
        return model.saved().encoding().featMean().length > 0;
    }

    /** How many past values the model reads before it forecasts (its window + 1). */
    public int needs() {
        return model.saved().run().window() + 1;
    }

    /**
     * A forecast after the end of a series.
     *
     * @param after           the label (date or row) of the last value read
     * @param steps           one per future step: its label, the forecast and the interval bounds
     * @param intervalHorizon steps beyond this have no intervals (NaN): the validation residuals stop there
     */
    public record Forecast(String target, String after, List<Step> steps, int intervalHorizon) {
    }

    /** Forecasts {@code h} steps after the last of {@code values} (a model trained on one column, no features). */
    public Forecast forecast(double[] values, int h) {
        return forecast(TimeSeries.of("values", values), h);
    }

    /** Forecasts {@code h} steps after the end of {@code series} (with the feature columns the model was trained on). */
    public Forecast forecast(TimeSeries series, int h) {
        ForecastModel.checkColumns(series, model.saved());
        if (h < 1) {
            throw new UserException("--horizon must be at least 1, got " + h);
        }
        int origin = series.length() - 1;
        if (origin < model.saved().run().window()) {
            throw new UserException(series.source() + ": " + series.length() + " rows; the model reads the last "
                    + needs() + " before forecasting");
        }
        double[] fz = model.forecaster().forecastZ(series, new int[] {origin}, h)[0];   // in the model's scale
        String[] labels = series.futureLabels(h);
        SeriesEncoding enc = model.saved().encoding();
        Intervals iv = model.saved().intervals();
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < h; k++) {
            boolean known = k < iv.horizon();
            double nan = Double.NaN;
            steps.add(new Step(labels[k], enc.y(fz[k]),
                    known ? enc.y(fz[k] + iv.lower()[0][k]) : nan, known ? enc.y(fz[k] + iv.upper()[0][k]) : nan,
                    known ? enc.y(fz[k] + iv.lower()[1][k]) : nan, known ? enc.y(fz[k] + iv.upper()[1][k]) : nan));
        }
        return new Forecast(series.targetName(), series.labels()[origin], List.copyOf(steps), iv.horizon());
    }
}
