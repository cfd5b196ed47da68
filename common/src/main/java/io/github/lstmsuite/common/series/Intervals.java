package io.github.lstmsuite.common.series;

import java.util.Arrays;

/**
 * Prediction intervals from out-of-sample residuals: for each horizon step k, the empirical
 * {@code (1 − level)/2} and {@code (1 + level)/2} quantiles of the residuals (actual − forecast) of
 * the rolling-origin forecasts on the validation part. An interval is the forecast plus those two
 * quantiles. No distribution is assumed, and the width grows with k as the errors do; with few
 * validation origins the outer quantiles are rough (their coverage on the test part is reported).
 *
 * @param levels  the coverage levels, e.g. {0.8, 0.95}
 * @param lower   {@code [level][k]}: the lower residual quantile
 * @param upper   {@code [level][k]}: the upper residual quantile
 */
public record Intervals(double[] levels, double[][] lower, double[][] upper) {

    /** Fits the quantiles to {@code residuals[origin][k]}. */
    public static Intervals fit(double[][] residuals, double... levels) {
        int h = residuals[0].length;
        double[][] lo = new double[levels.length][h];
        double[][] hi = new double[levels.length][h];
        double[] col = new double[residuals.length];
        for (int k = 0; k < h; k++) {
            for (int o = 0; o < residuals.length; o++) {
                col[o] = residuals[o][k];
            }
            Arrays.sort(col);
            for (int l = 0; l < levels.length; l++) {
                lo[l][k] = quantile(col, (1 - levels[l]) / 2);
                hi[l][k] = quantile(col, (1 + levels[l]) / 2);
            }
        }
        return new Intervals(levels.clone(), lo, hi);
    }

    /**
     * Split-conformal intervals, studentised by horizon step: each residual is divided by its step's
     * scale σ_k (the root mean square of the residuals at step k, made non-decreasing in k: the
     * error can only grow with the distance from the origin); the scores |r| / σ_k of all origins and
     * steps are pooled, and the interval at step k is ± q·σ_k with q the pooled score's
     * ⌈(n + 1)·level⌉-th smallest value (the finite-sample conformal quantile). Pooling all steps gives
     * the tail quantiles many more points than one step's few origins do.
     */
    public static Intervals conformal(double[][] residuals, double... levels) {
        int h = residuals[0].length;
        int n = residuals.length * h;
        double[] sigma = new double[h];
        for (int k = 0; k < h; k++) {
            double ss = 0;
            for (double[] r : residuals) {
                ss += r[k] * r[k];
            }
            sigma[k] = Math.max(Math.sqrt(ss / residuals.length), k > 0 ? sigma[k - 1] : 1e-12);
        }
        double[] scores = new double[n];
        int i = 0;
        for (double[] r : residuals) {
            for (int k = 0; k < h; k++) {
                scores[i++] = Math.abs(r[k]) / sigma[k];
            }
        }
        Arrays.sort(scores);
        double[][] lo = new double[levels.length][h];
        double[][] hi = new double[levels.length][h];
        for (int l = 0; l < levels.length; l++) {
            int rank = (int) Math.ceil((n + 1) * levels[l]);          // 1-based; past n: the largest score
            double q = scores[Math.min(rank, n) - 1];
            for (int k = 0; k < h; k++) {
                lo[l][k] = -q * sigma[k];
                hi[l][k] = q * sigma[k];
            }
        }
        return new Intervals(levels.clone(), lo, hi);
    }

    /** Quantile {@code p} of sorted {@code v} with linear interpolation (R's type 7, numpy's default). */
    public static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    /** Horizon steps covered. */
    public int horizon() {
        return lower[0].length;
    }

    /**
     * The fraction of {@code actual[o][k]} inside {@code [forecast + lower, forecast + upper]} at
     * level index {@code l} (all values in the space the residuals were measured in).
     */
    public double coverage(int l, double[][] actual, double[][] forecast) {
        long in = 0;
        long all = 0;
        for (int o = 0; o < actual.length; o++) {
            for (int k = 0; k < actual[o].length; k++) {
                double r = actual[o][k] - forecast[o][k];
                in += r >= lower[l][k] && r <= upper[l][k] ? 1 : 0;
                all++;
            }
        }
        return in / (double) all;
    }
}
