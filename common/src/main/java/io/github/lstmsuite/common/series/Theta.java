package io.github.lstmsuite.common.series;

/**
 * The Theta method (Assimakopoulos &amp; Nikolopoulos 2000) as R's {@code forecast::thetaf} computes it (Hyndman &amp;
 * Billah 2003 showed it is simple exponential smoothing with drift), refitted at every origin on the values up to it:
 * <ol>
 *   <li><b>Season.</b> When the period m &gt; 1, the history is longer than 2m and not constant, and the
 *       autocorrelation at lag m passes the 90 % one-sided test |r<sub>m</sub>| &gt; 1.645 ·
 *       √((1 + 2 Σ<sub>k&lt;m</sub> r<sub>k</sub>²) / n), the series is divided by the seasonal indices of a classical
 *       multiplicative decomposition (R's {@code decompose}: a centred moving average of order m as the trend, the mean
 *       ratio per position in the cycle, normalised to mean 1).</li>
 *   <li><b>Level.</b> Simple exponential smoothing ({@code ets(x, "ANN")}): the smoothing weight α in [10⁻⁴, 0.9999]
 *       and the initial level that minimise the sum of squared one-step errors (the ANN model's maximum likelihood);
 *       for a given α the best initial level is a least-squares solution, so only α is searched (a grid, then a
 *       golden-section refinement).</li>
 *   <li><b>Drift.</b> Half the slope b of the least-squares line through the (adjusted) history:
 *       ŷ[n + k] = ℓ<sub>n</sub> + b/2 · (k − 1 + (1 − (1 − α)<sup>n</sup>) / α), then multiplied by the step's seasonal index.</li>
 * </ol>
 * As a {@link Forecaster} it is refitted at every origin (see {@link #forecast(TimeSeries, int[], int)} for long
 * series). No well-kept Java library has it, so the suite carries it; {@code ThetaTest} checks it against R's forecast package.
 */
public final class Theta implements Forecaster {
    /** Origins × series length up to which every origin gets its own fit (a few seconds of work at most). */
    public static final long REFIT_BUDGET = 5_000_000L;

    private final int period;
    private final long refitBudget;

    /** Theta with seasonal period {@code period} (1: none). */
    public Theta(int period) {
        this(period, REFIT_BUDGET);
    }

    /** Theta whose refits stop at every origin beyond {@code refitBudget} origins × values (see {@link #forecast(TimeSeries, int[], int)}). */
    public Theta(int period, long refitBudget) {
        if (period < 1 || refitBudget < 1) {
            throw new IllegalArgumentException("period and refit budget must be at least 1");
        }
        this.period = period;
        this.refitBudget = refitBudget;
    }

    @Override
    public String name() {
        return "theta";
    }

    /**
     * Refitted at every origin on the values up to it, as R's {@code thetaf} on each history — unless the series is long
     * and the origins many (origins × length above {@value #REFIT_BUDGET}): then refitted at every r-th origin, with r
     * the smallest that keeps within that, the smoothed level updated through the new values in between (the fitted α,
     * seasonal indices and drift kept). No origin ever sees a value after it.
     */
    @Override
    public double[][] forecast(TimeSeries series, int[] origins, int h) {
        double[] y = series.target();
        Integer[] order = Refits.inTimeOrder(origins);
        long every = Refits.every(origins, refitBudget);
        double[][] out = new double[origins.length][];
        Fit fit = null;
        double level = 0;
        int at = -1;
        for (int j = 0; j < order.length; j++) {
            int o = origins[order[j]];
            if (j % every == 0) {
                fit = fit(java.util.Arrays.copyOf(y, o + 1), period);
                level = fit.level();
            } else {
                for (int t = at + 1; t <= o; t++) {
                    level += fit.alpha() * (fit.adjust(y[t], t) - level);
                }
            }
            at = o;
            out[order[j]] = fit.forecast(level, o + 1, h);
        }
        return out;
    }

    /**
     * A fitted Theta model: the seasonal index of each position in the cycle (null: not seasonal), SES's α, initial
     * level ℓ₀ and the level after the last fitted value, and half the slope of the adjusted history's least-squares line.
     */
    record Fit(int m, double[] index, double alpha, double l0, double level, double halfSlope) {
        /** {@code v} at time {@code t} divided by its seasonal index. */
        double adjust(double v, int t) {
            return index == null ? v : v / index[t % m];
        }

        /** The {@code h} forecasts after {@code n} values whose last level is {@code level}. */
        double[] forecast(double level, int n, int h) {
            double a = Math.max(1e-10, alpha);
            double lead = (1 - Math.pow(1 - a, n)) / a;
            double[] f = new double[h];
            for (int k = 0; k < h; k++) {
                f[k] = (level + halfSlope * (k + lead)) * (index == null ? 1 : index[(n + k) % m]);
            }
            return f;
        }
    }

    /** The Theta forecasts of the {@code h} values after {@code y}, with seasonal period {@code m} (R's {@code thetaf}). */
    public static double[] forecast(double[] y, int m, int h) {
        Fit fit = fit(y, m);
        return fit.forecast(fit.level(), y.length, h);
    }

    /** Fits the model to {@code y}. */
    static Fit fit(double[] y, int m) {
        int n = y.length;
        if (n < 2) {
            throw new IllegalArgumentException("Theta needs at least 2 values, got " + n);
        }
        double[] x = y.clone();
        double[] index = seasonalIndex(y, m);                   // the seasonal index of each position in the cycle
        if (index != null) {
            for (int t = 0; t < n; t++) {
                x[t] = y[t] / index[t % m];
            }
        }
        double alpha = ses(x);
        double[] s = sse(x, alpha);
        return new Fit(m, index, alpha, s[2], s[1], slope(x) / 2);
    }

    /** Whether the autocorrelation at lag m is significant (R's thetaf test, 90 % one-sided). */
    static boolean seasonal(double[] y, int m) {
        int n = y.length;
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= n;
        double c0 = 0;
        for (double v : y) {
            c0 += (v - mean) * (v - mean);
        }
        double[] r = new double[m + 1];
        for (int k = 1; k <= m; k++) {
            double c = 0;
            for (int t = 0; t + k < n; t++) {
                c += (y[t] - mean) * (y[t + k] - mean);
            }
            r[k] = c / c0;
        }
        double sum = 0;
        for (int k = 1; k < m; k++) {
            sum += r[k] * r[k];
        }
        double stat = Math.sqrt((1 + 2 * sum) / n);
        return Math.abs(r[m]) / stat > 1.6448536269514722;     // qnorm(0.95)
    }

    /**
     * The multiplicative seasonal index of each position in the cycle (counted from the first value) when {@code y} is
     * seasonal by thetaf's test (m &gt; 1, more than 2m values, not constant, the autocorrelation test below, no index
     * near 0); null otherwise. The M4 competition's Naive2 adjusts by the same test and indices.
     */
    public static double[] seasonalIndex(double[] y, int m) {
        if (m <= 1 || y.length <= 2 * m || constant(y) || !seasonal(y, m)) {
            return null;
        }
        double[] index = multiplicativeIndices(y, m);
        for (double s : index) {
            if (Math.abs(s) < 1e-4) {
                return null;                                    // as R: the non-seasonal method then
            }
        }
        return index;
    }

    /** R's {@code decompose(type = "multiplicative")} figure: one index per position from the first value, mean 1. */
    static double[] multiplicativeIndices(double[] y, int m) {
        return Decomposition.figure(y, m, true);
    }

    /** The α of simple exponential smoothing fitted by least squares. */
    static double ses(double[] x) {
        double lo = 1e-4;
        double hi = 0.9999;
        int grid = 200;
        double best = lo;
        double bestSse = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= grid; i++) {
            double a = lo + (hi - lo) * i / grid;
            double s = sse(x, a)[0];
            if (s < bestSse) {
                bestSse = s;
                best = a;
            }
        }
        // golden-section search in the grid cell on each side of the best point
        double a = Math.max(lo, best - (hi - lo) / grid);
        double b = Math.min(hi, best + (hi - lo) / grid);
        double g = (Math.sqrt(5) - 1) / 2;
        double c = b - g * (b - a);
        double d = a + g * (b - a);
        double fc = sse(x, c)[0];
        double fd = sse(x, d)[0];
        for (int it = 0; it < 60; it++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = sse(x, c)[0];
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = sse(x, d)[0];
            }
        }
        double alpha = (a + b) / 2;
        return sse(x, alpha)[0] > bestSse ? best : alpha;
    }

    /**
     * {sum of squared one-step errors, final level, initial level} of SES with weight {@code a} from its best initial level: with
     * ℓ₀ = 0 the errors are e⁰ₜ, and ℓ₀ shifts error t by −(1 − a)ᵗ·ℓ₀, so the best ℓ₀ is a least-squares solution.
     */
    static double[] sse(double[] x, double a) {
        int n = x.length;
        double level = 0;
        double num = 0;
        double den = 0;
        double[] e0 = new double[n];
        double w = 1;                                           // (1 − a)^t
        for (int t = 0; t < n; t++) {
            e0[t] = x[t] - level;
            level += a * e0[t];
            num += e0[t] * w;
            den += w * w;
            w *= 1 - a;
        }
        double l0 = num / den;
        double sse = 0;
        w = 1;
        for (int t = 0; t < n; t++) {
            double e = e0[t] - w * l0;
            sse += e * e;
            w *= 1 - a;
        }
        return new double[] {sse, level + w * l0, l0};        // the final level moves by (1 − a)^n · ℓ₀ as well
    }

    private static double slope(double[] x) {
        int n = x.length;
        double mt = (n - 1) / 2.0;
        double mx = 0;
        for (double v : x) {
            mx += v / n;
        }
        double num = 0;
        double den = 0;
        for (int t = 0; t < n; t++) {
            num += (t - mt) * (x[t] - mx);
            den += (t - mt) * (t - mt);
        }
        return den == 0 ? 0 : num / den;
    }

    private static boolean constant(double[] y) {
        for (double v : y) {
            if (v != y[0]) {
                return false;
            }
        }
        return true;
    }
}
