package io.github.lstmsuite.common.series;

import java.util.Arrays;

/** R's {@code decompose}: classical seasonal decomposition by a centred moving average. */
final class Decomposition {
    private Decomposition() {
    }

    /**
     * The seasonal figure, one value per position in the cycle counted from the first value: the mean over cycles of
     * y − trend (additive; the figure centred to mean 0) or y / trend (multiplicative; normalised to mean 1), the trend
     * being the centred moving average of order m (weights ½, 1, …, 1, ½ over m + 1 values when m is even).
     */
    static double[] figure(double[] y, int m, boolean multiplicative) {
        int n = y.length;
        double[] trend = new double[n];
        Arrays.fill(trend, Double.NaN);
        int half = m / 2;
        for (int t = half; t < n - half; t++) {
            double s = 0;
            if (m % 2 == 0) {
                s += 0.5 * y[t - half] + 0.5 * y[t + half];
                for (int j = t - half + 1; j < t + half; j++) {
                    s += y[j];
                }
            } else {
                for (int j = t - half; j <= t + half; j++) {
                    s += y[j];
                }
            }
            trend[t] = s / m;
        }
        double[] figure = new double[m];
        for (int p = 0; p < m; p++) {
            double s = 0;
            int c = 0;
            for (int t = p; t < n; t += m) {
                double v = multiplicative ? y[t] / trend[t] : y[t] - trend[t];
                if (!Double.isNaN(v)) {                 // R's mean(…, na.rm = TRUE): no trend at the ends, 0 / 0 in a run of zeros
                    s += v;
                    c++;
                }
            }
            figure[p] = s / c;
        }
        double mean = 0;
        for (double f : figure) {
            mean += f / m;
        }
        for (int p = 0; p < m; p++) {
            figure[p] = multiplicative ? figure[p] / mean : figure[p] - mean;
        }
        return figure;
    }
}
