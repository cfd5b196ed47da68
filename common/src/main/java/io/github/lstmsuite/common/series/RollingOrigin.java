package io.github.lstmsuite.common.series;

/**
 * Rolling-origin evaluation (time-series cross-validation without refitting): every origin whose
 * {@code h} following steps all lie in {@code [from, to)} gets a forecast from the data up to it, and
 * the errors of all of them are pooled.
 */
public final class RollingOrigin {
    private RollingOrigin() {
    }

    /** The forecasts of one forecaster over one evaluation part. */
    public record Result(String name, int[] origins, double[][] actual, double[][] predicted, ForecastMetrics.Scores scores) {
    }

    /** Origins {@code from − 1 … to − 1 − h}: the forecasts that land inside {@code [from, to)}. */
    public static int[] origins(int from, int to, int h) {
        int count = to - h - from + 1;
        if (from < 1 || count < 1) {
            throw new IllegalArgumentException("no origin for [" + from + ", " + to + ") and horizon " + h);
        }
        int[] o = new int[count];
        for (int i = 0; i < count; i++) {
            o[i] = from - 1 + i;
        }
        return o;
    }

    /** Evaluates {@code f} on {@code [from, to)} of {@code series}; {@code maseScale} from {@link ForecastMetrics#maseScale}. */
    public static Result evaluate(Forecaster f, TimeSeries series, int from, int to, int h, double maseScale) {
        int[] origins = origins(from, to, h);
        double[][] predicted = f.forecast(series, origins, h);
        double[][] actual = actuals(series.target(), origins, h);
        return new Result(f.name(), origins, actual, predicted, ForecastMetrics.score(actual, predicted, maseScale));
    }

    /** The result of forecasts already made for {@code origins} (e.g. kept for other uses as well). */
    public static Result of(String name, double[] y, int[] origins, double[][] predicted, double maseScale) {
        double[][] actual = actuals(y, origins, predicted[0].length);
        return new Result(name, origins, actual, predicted, ForecastMetrics.score(actual, predicted, maseScale));
    }

    /** {@code y[o + 1 + k]} for each origin o and k in [0, h). */
    public static double[][] actuals(double[] y, int[] origins, int h) {
        double[][] a = new double[origins.length][h];
        for (int i = 0; i < origins.length; i++) {
            System.arraycopy(y, origins[i] + 1, a[i], 0, h);
        }
        return a;
    }
}
