package io.github.lstmsuite.common.series;

/**
 * Point-forecast errors over many forecasts ({@code [origin][step]} arrays of actual and predicted
 * values, in the series' own units).
 *
 * <ul>
 *   <li>MAE = mean |F − A|, RMSE = √(mean (F − A)²)</li>
 *   <li>sMAPE = mean 200·|F − A| / (|A| + |F|), in percent (0–200; a term with A = F = 0 counts 0)</li>
 *   <li>MASE = MAE / (in-sample MAE of the one-step seasonal-naive forecast on the training part):
 *       below 1 beats that naive method's in-sample accuracy (Hyndman &amp; Koehler 2006)</li>
 * </ul>
 */
public final class ForecastMetrics {
    private ForecastMetrics() {
    }

    /** The four scores. */
    public record Scores(double mae, double rmse, double smape, double mase) {
    }

    /** Scores of {@code predicted} against {@code actual}; {@code scale} is {@link #maseScale}. */
    public static Scores score(double[][] actual, double[][] predicted, double scale) {
        double abs = 0;
        double sq = 0;
        double smape = 0;
        long count = 0;
        for (int o = 0; o < actual.length; o++) {
            for (int k = 0; k < actual[o].length; k++) {
                double a = actual[o][k];
                double f = predicted[o][k];
                double e = Math.abs(f - a);
                abs += e;
                sq += e * e;
                double denom = Math.abs(a) + Math.abs(f);
                smape += denom == 0 ? 0 : 200 * e / denom;
                count++;
            }
        }
        double mae = abs / count;
        return new Scores(mae, Math.sqrt(sq / count), smape / count, mae / scale);
    }

    /** Mean absolute error of step {@code k} (0-based) only. */
    public static double maeAtStep(double[][] actual, double[][] predicted, int k) {
        double s = 0;
        for (int o = 0; o < actual.length; o++) {
            s += Math.abs(predicted[o][k] - actual[o][k]);
        }
        return s / actual.length;
    }

    /**
     * MASE's denominator: mean |y[t] − y[t − m]| over the training part {@code y[0..trainEnd)}, with the
     * seasonal period {@code m} (1 = the naive method).
     */
    public static double maseScale(double[] y, int trainEnd, int m) {
        if (trainEnd <= m) {
            throw new IllegalArgumentException("training part (" + trainEnd + ") shorter than the period " + m);
        }
        double s = 0;
        for (int t = m; t < trainEnd; t++) {
            s += Math.abs(y[t] - y[t - m]);
        }
        double scale = s / (trainEnd - m);
        return scale > 0 ? scale : Double.MIN_NORMAL;
    }
}
