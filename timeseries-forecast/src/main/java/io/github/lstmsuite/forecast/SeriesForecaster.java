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
 * <p>It reads both kinds of model file: the panel model's (the default of {@code ./lstm forecast} and
 * {@code --panel}: the ensemble's forecast averaged with ETS's, at most its training horizon ahead) and the single-series
 * LSTM's ({@code --single}, and every file made before the panel model was the default).
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

    private final ForecastModel.Loaded model;      // a single-series model, or null
    private final PanelForecaster panel;           // a panel model, or null

    SeriesForecaster(ForecastModel.Loaded model) {
        this.model = model;
        this.panel = null;
    }

    SeriesForecaster(PanelForecaster panel) {
        this.model = null;
        this.panel = panel;
    }

    /** Loads a model made by {@code ./lstm forecast}; another app's file is a one-line {@code UserException}. */
    public static SeriesForecaster load(Path modelZip) {
        Path path = io.github.lstmsuite.common.train.ModelZip.locate(Objects.requireNonNull(modelZip, "modelZip"), ForecastApp.APP);
        return PanelForecaster.isPanel(path) ? new SeriesForecaster(PanelForecaster.load(path))
                : new SeriesForecaster(ForecastModel.load(path));
    }

    /** The horizon the model was trained for (and has intervals for). */
    public int horizon() {
        return panel != null ? panel.horizon() : model.saved().run().horizon();
    }

    /** Whether this is the panel model (an ensemble with ETS), rather than the single-series LSTM. */
    public boolean isPanel() {
        return panel != null;
    }

    /**
     * The series the model was trained on, read again from where training read it (the bundled data set or the
     * CSV file), or {@code null} when it cannot be read here.
     */
    public TimeSeries trainingSeries() {
        if (panel != null) {
            return panel.trainingSeries();
        }
        try {
            return ForecastData.load(model.saved().run().source());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the model reads feature columns beside the target (then a forecast needs them too). */
    public boolean hasFeatures() {
        return panel != null ? panel.saved().covariates() != null && !panel.saved().covariates().isEmpty()
                : model.saved().encoding().featMean().length > 0;
    }

    /**
     * How many past values the model needs before it forecasts: the single-series LSTM its window + 1; the panel model
     * enough to fit the series' scale on and its horizon after that.
     */
    public int needs() {
        return panel != null ? panel.needs() : model.saved().run().window() + 1;
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

    /**
     * As {@link #forecast(TimeSeries, int)} for a series of seasonal period {@code period}: a panel model trained on series
     * of several frequencies forecasts each with its own (a single-series model has its period built in and refuses
     * another).
     */
    public Forecast forecast(TimeSeries series, int h, int period) {
        if (panel != null) {
            return panel.forecast(series, h, period);
        }
        if (period != model.saved().run().period()) {
            throw new UserException("the model was trained with period " + model.saved().run().period() + ", not " + period);
        }
        return forecast(series, h);
    }

    /** Forecasts {@code h} steps after the end of {@code series} (with the feature columns the model was trained on). */
    public Forecast forecast(TimeSeries series, int h) {
        if (panel != null) {
            return panel.forecast(series, h);
        }
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
