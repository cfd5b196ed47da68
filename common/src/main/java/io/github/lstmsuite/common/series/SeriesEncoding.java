package io.github.lstmsuite.common.series;

/**
 * How a series enters and leaves the network; every statistic is fitted on the training part only.
 *
 * <p>The target y first goes to z = ln y (when {@code log}; for positive series with multiplicative
 * growth, like airline passengers), then:
 * <ul>
 *   <li>with {@code diff} (the default), the input at step t has two channels: the change
 *       (z[t] − z[t−1] − μΔ) / σΔ and the level (z[t] − μz) / σz; the output for k steps ahead is the
 *       change from the current value, (z[t+k] − z[t] − k·μΔ) / σΔ. An output of 0 is the drift
 *       forecast, so the network learns the corrections to it, and a level never seen in training
 *       (a trend that went on rising) only enters through the second channel.</li>
 *   <li>without {@code diff}, one channel (z[t] − μz) / σz in and (z[t+k] − μz) / σz out.</li>
 * </ul>
 * Each feature column adds a channel (f − μf) / σf.
 *
 * @param log      z = ln y
 * @param diff     work with changes (see above)
 * @param zMean    μz, mean of z on the training part
 * @param zStd     σz
 * @param dMean    μΔ, mean one-step change of z on the training part
 * @param dStd     σΔ
 * @param featMean μf per feature column
 * @param featStd  σf per feature column
 */
public record SeriesEncoding(boolean log, boolean diff, double zMean, double zStd, double dMean, double dStd,
                             double[] featMean, double[] featStd) {

    /** Fits the statistics on rows {@code [0, trainEnd)} of {@code s}. */
    public static SeriesEncoding fit(TimeSeries s, int trainEnd, boolean log, boolean diff) {
        if (log && !s.positive(trainEnd)) {
            throw new io.github.lstmsuite.common.UserException("--log on needs positive target values in the training part of " + s.source());
        }
        double[] z = toZ(s.target(), log, trainEnd);
        double[] d = new double[trainEnd - 1];
        for (int t = 1; t < trainEnd; t++) {
            d[t - 1] = z[t] - z[t - 1];
        }
        int f = s.features().length;
        double[] fm = new double[f];
        double[] fs = new double[f];
        for (int i = 0; i < f; i++) {
            fm[i] = mean(s.features()[i], trainEnd);
            fs[i] = std(s.features()[i], trainEnd, fm[i]);
        }
        double zm = mean(z, trainEnd);
        double dm = mean(d, d.length);
        return new SeriesEncoding(log, diff, zm, std(z, trainEnd, zm), dm, std(d, d.length, dm), fm, fs);
    }

    /** Input channels per time step. */
    public int channels() {
        return (diff ? 2 : 1) + featMean.length;
    }

    /** z of every value of {@code y} (ln y when {@code log}). A non-positive value under log is NaN. */
    public double[] z(double[] y) {
        return toZ(y, log, y.length);
    }

    /** y from z. */
    public double y(double z) {
        return log ? Math.exp(z) : z;
    }

    /** The scaled input of step t, channel c (c ≥ 1 + diff: feature columns), from z and the features. */
    public double input(double[] z, double[][] features, int t, int c) {
        if (c == 0) {
            return diff ? (z[t] - z[t - 1] - dMean) / dStd : (z[t] - zMean) / zStd;
        }
        if (diff && c == 1) {
            return (z[t] - zMean) / zStd;
        }
        int f = c - (diff ? 2 : 1);
        return (features[f][t] - featMean[f]) / featStd[f];
    }

    /** The scaled output for {@code k} steps after step t. */
    public double target(double[] z, int t, int k) {
        return diff ? (z[t + k] - z[t] - k * dMean) / dStd : (z[t + k] - zMean) / zStd;
    }

    /** z at t + k from the network's output {@code out} at step t (inverse of {@link #target}). */
    public double zFromOutput(double zt, int k, double out) {
        return diff ? zt + k * dMean + out * dStd : zMean + out * zStd;
    }

    /** The first step with a complete input (a change needs the step before). */
    public int firstStep() {
        return diff ? 1 : 0;
    }

    private static double[] toZ(double[] y, boolean log, int n) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            z[i] = log ? (y[i] > 0 ? Math.log(y[i]) : Double.NaN) : y[i];
        }
        return z;
    }

    private static double mean(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    private static double std(double[] v, int n, double mean) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (v[i] - mean) * (v[i] - mean);
        }
        double sd = Math.sqrt(s / Math.max(1, n - 1));
        return sd > 0 ? sd : 1.0;
    }
}
