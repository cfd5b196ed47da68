package io.github.lstmsuite.common.series;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Exponential smoothing state space models, ETS (Hyndman, Koehler, Ord &amp; Snyder, <i>Forecasting with Exponential
 * Smoothing</i>, 2008), chosen and fitted as R's {@code forecast::ets} does by default:
 * <ul>
 *   <li><b>Models.</b> Error additive or multiplicative; trend none, additive or additive damped; season none, additive
 *       or multiplicative — without the unstable combinations R's {@code restrict = TRUE} leaves out (additive error with
 *       a multiplicative season), without multiplicative error or season when a value is not positive, and without a
 *       season when the period is 1 or above 24. Up to 15 models.</li>
 *   <li><b>Estimation.</b> Each model's smoothing weights (α, β, γ, φ) and initial states (level, slope, m − 1 seasonal
 *       states; the m-th makes them sum to 0, or to m when multiplicative) minimise R's likelihood criterion
 *       n·log(Σe²) (+ 2·Σ log|ŷ| for multiplicative errors), by the same Nelder–Mead search as R's {@code optim} (2,000
 *       evaluations at most) from R's starting point (α = 0.2/m-ish, a decomposition of the first years for the
 *       states), inside R's bounds: the usual ones (0.0001 ≤ β ≤ α ≤ 0.9999, γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98) and the
 *       admissible ones (the model's characteristic roots inside the unit circle).</li>
 *   <li><b>Selection.</b> The smallest AICc, counting the initial states and σ as parameters.</li>
 * </ul>
 * As a {@link Forecaster} it is chosen and fitted anew at every origin on the values up to it (see
 * {@link #forecast(TimeSeries, int[], int)} for long series). No well-kept Java library has ETS, so the suite carries it;
 * {@code EtsTest} checks it against R.
 */
public final class Ets implements Forecaster {
    private static final double[] LOWER = {1e-4, 1e-4, 1e-4, 0.8};
    private static final double[] UPPER = {0.9999, 0.9999, 0.9999, 0.98};
    private static final double TOL = 1e-10;

    /** The longest seasonal period ETS takes (R's limit); a series with a longer one is fitted without a season. */
    public static final int MAX_PERIOD = 24;

    /** Origins × series length up to which every origin gets its own fit (each fit tries up to 15 models). */
    public static final long REFIT_BUDGET = 20_000L;

    private final int period;
    private final long refitBudget;

    /** ETS with seasonal period {@code period} (1: no season). */
    public Ets(int period) {
        this(period, REFIT_BUDGET);
    }

    /** ETS whose refits stop at every origin beyond {@code refitBudget} origins × values (see {@link #forecast(TimeSeries, int[], int)}). */
    public Ets(int period, long refitBudget) {
        if (period < 1 || refitBudget < 1) {
            throw new IllegalArgumentException("period and refit budget must be at least 1, got " + period + " and " + refitBudget);
        }
        this.period = period;
        this.refitBudget = refitBudget;
    }

    @Override
    public String name() {
        return "ets";
    }

    /**
     * Chosen and fitted anew at every origin on the values up to it, as R's {@code ets} on each history — unless the series
     * is long and the origins many (origins × the last origin's history above the budget, {@value #REFIT_BUDGET} by
     * default): then refitted at every r-th origin
     * (in time order), r the smallest that keeps within that, and in between the last fit's states are run on through
     * the values up to the origin with its weights kept. No origin ever sees a value after it.
     */
    @Override
    public double[][] forecast(TimeSeries series, int[] origins, int h) {
        double[] y = series.target();
        Integer[] order = Refits.inTimeOrder(origins);
        long every = Refits.every(origins, refitBudget);
        double[][] out = new double[origins.length][];
        Fit fit = null;
        for (int k = 0; k < order.length; k++) {
            double[] history = Arrays.copyOf(y, origins[order[k]] + 1);
            if (k % every == 0) {
                fit = fit(history, period);
            }
            out[order[k]] = fit.forecast(history, h);
        }
        return out;
    }

    /** A model's components: error {@code 'A'|'M'}, trend {@code 'N'|'A'}, damped or not, season {@code 'N'|'A'|'M'}. */
    public record Model(char error, char trend, boolean damped, char season) {
        /** R's name: {@code ETS(M,Ad,M)}. */
        @Override
        public String toString() {
            return "ETS(" + error + "," + trend + (damped ? "d" : "") + "," + season + ")";
        }
    }

    /**
     * A fitted model.
     *
     * @param model  its components
     * @param m      the seasonal period it uses (1 without a season)
     * @param alpha  level smoothing
     * @param beta   slope smoothing (0 without a trend)
     * @param gamma  seasonal smoothing (0 without a season)
     * @param phi    damping (1 unless damped)
     * @param init   the initial states: level, slope if any, then the m seasonal states, the most recent first
     * @param lik    R's likelihood criterion at the fit (smaller is better)
     * @param aicc   the corrected Akaike criterion that chose it
     */
    public record Fit(Model model, int m, double alpha, double beta, double gamma, double phi, double[] init, double lik,
                      double aicc) {
        /** Runs {@code state} (level, slope, seasonal states — as {@link #init}) on through one more value {@code v}. */
        public void run(double v, double[] state) {
            filter(new double[] {v}, state, this, null);
        }

        /** The point forecasts of the {@code h} values after the one that left {@code state} (R's {@code etsforecast}). */
        public double[] forecastFrom(double[] state, int h) {
            return pointForecast(state, this, h);
        }

        /** Forecasts of the {@code h} values after {@code y}: the states updated through all of {@code y} from the fitted initial states. */
        public double[] forecast(double[] y, int h) {
            double[] state = init.clone();
            filter(y, state, this, null);
            return pointForecast(state, this, h);
        }
    }

    /**
     * R's {@code ets(y)}: every admissible model fitted, the one with the smallest AICc returned. The models are fitted
     * side by side on Java's common fork-join pool (every core; they are independent), and chosen in R's order, so the
     * answer is the one a loop gives.
     */
    public static Fit fit(double[] y, int period) {
        if (y.length < 4) {
            throw new IllegalArgumentException("ETS needs at least 4 values, got " + y.length);
        }
        boolean constant = Arrays.stream(y).allMatch(v -> v == y[0]);
        if (constant) {                                    // R: simple exponential smoothing with α ≈ 1
            return new Fit(new Model('A', 'N', false, 'N'), 1, 0.99999, 0, 0, 1, new double[] {y[0]}, Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY);
        }
        boolean positive = Arrays.stream(y).allMatch(v -> v > 0);
        boolean seasonal = period > 1 && period <= MAX_PERIOD && y.length > period;
        List<Model> models = new ArrayList<>();
        for (char error : new char[] {'A', 'M'}) {
            for (char trend : new char[] {'N', 'A'}) {
                for (char season : seasonal ? new char[] {'N', 'A', 'M'} : new char[] {'N'}) {
                    for (boolean damped : new boolean[] {true, false}) {
                        if (trend == 'N' && damped || error == 'A' && season == 'M' || error == 'M' && !positive
                                || season == 'M' && !positive) {
                            continue;
                        }
                        models.add(new Model(error, trend, damped, season));
                    }
                }
            }
        }
        Fit[] fits = new Fit[models.size()];
        RuntimeException[] failed = new RuntimeException[models.size()];
        IntStream.range(0, models.size()).parallel().forEach(i -> {
            try {
                fits[i] = fit(y, period, models.get(i));
            } catch (RuntimeException e) {
                failed[i] = e;                            // rethrown below, the first in R's order
            }
        });
        Fit best = null;
        for (int i = 0; i < fits.length; i++) {
            if (failed[i] != null) {
                throw failed[i];
            }
            Fit f = fits[i];
            if (f != null && (best == null || f.aicc() < best.aicc())) {
                best = f;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no ETS model could be fitted to " + y.length + " values");
        }
        return best;
    }

    /** One model fitted as R's {@code etsmodel}; {@code null} when the series is too short for its parameters. */
    public static Fit fit(double[] y, int period, Model model) {
        int m = model.season() != 'N' ? period : 1;
        boolean trend = model.trend() != 'N';
        boolean season = model.season() != 'N';
        // R's initparam: the starting weights
        List<Double> par = new ArrayList<>();
        double alpha = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / m;
        if (alpha > 1 || alpha < 0) {
            alpha = LOWER[0] + 2e-3;
        }
        par.add(alpha);
        if (trend) {
            double upper = Math.min(UPPER[1], alpha);
            double beta = LOWER[1] + 0.1 * (upper - LOWER[1]);
            if (beta < 0 || beta > alpha) {
                beta = alpha - 1e-3;
            }
            par.add(beta);
        }
        if (season) {
            double upper = Math.min(UPPER[2], 1 - alpha);
            double gamma = LOWER[2] + 0.05 * (upper - LOWER[2]);
            if (gamma < 0 || gamma > 1 - alpha) {
                gamma = 1 - alpha - 1e-3;
            }
            par.add(gamma);
        }
        if (model.damped()) {
            double phi = LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]);
            if (phi < 0 || phi > 1) {
                phi = UPPER[3] - 1e-3;
            }
            par.add(phi);
        }
        int nWeights = par.size();
        for (double s : initialStates(y, model, period)) {
            par.add(s);
        }
        int np = par.size();
        if (np >= y.length - 1) {
            return null;
        }
        double[] start = par.stream().mapToDouble(Double::doubleValue).toArray();
        Target target = new Target(y, model, m, nWeights, np);
        double[] best = NelderMead.minimise(target::value, start, 2000);
        Fit fit = target.fitAt(best);
        if (fit == null || !Double.isFinite(fit.lik())) {
            return null;
        }
        int k = np + 1;                                    // + σ
        int n = y.length;
        double aic = fit.lik() + 2.0 * k;
        double aicc = aic + 2.0 * k * (k + 1) / (n - k - 1);
        return new Fit(fit.model(), m, fit.alpha(), fit.beta(), fit.gamma(), fit.phi(), fit.init(), fit.lik(), aicc);
    }

    /** R's {@code initstate}: level (and slope) from the first values, seasonal states from a decomposition. */
    static double[] initialStates(double[] y, Model model, int period) {
        int n = y.length;
        double[] ysa = y;
        double[] seas = null;
        int m = 1;
        if (model.season() != 'N') {
            m = period;
            boolean mult = model.season() == 'M';
            double[] seasonal = new double[n];           // the seasonal component at every value
            if (n < 3 * m) {                             // a linear trend and one Fourier pair
                double[] coef = fourierTrend(y, m);
                for (int t = 0; t < n; t++) {
                    double tr = coef[0] + coef[1] * (t + 1);
                    seasonal[t] = mult ? y[t] / tr : y[t] - tr;
                }
            } else {
                double[] figure = Decomposition.figure(y, m, mult);
                for (int t = 0; t < n; t++) {
                    seasonal[t] = figure[t % m];
                }
            }
            seas = new double[m - 1];                    // rev(seasonal[2:m])
            for (int j = 0; j < m - 1; j++) {
                seas[j] = seasonal[m - 1 - j];
            }
            ysa = new double[n];
            if (!mult) {
                for (int t = 0; t < n; t++) {
                    ysa[t] = y[t] - seasonal[t];
                }
            } else {
                double sum = 0;
                for (int j = 0; j < m - 1; j++) {
                    seas[j] = Math.max(seas[j], 1e-2);
                    sum += seas[j];
                }
                if (sum > m) {
                    double denom = sum + 1e-2 * (m - 1);
                    for (int j = 0; j < m - 1; j++) {
                        seas[j] /= denom;
                    }
                }
                for (int t = 0; t < n; t++) {
                    ysa[t] = y[t] / Math.max(seasonal[t], 1e-2);
                }
            }
        }
        int maxn = Math.min(Math.max(10, 2 * m), n);
        double[] out = new double[(model.trend() != 'N' ? 2 : 1) + (seas == null ? 0 : seas.length)];
        int i = 0;
        if (model.trend() == 'N') {
            double s = 0;
            for (int t = 0; t < maxn; t++) {
                s += ysa[t];
            }
            out[i++] = s / maxn;
        } else {                                          // least-squares line through (1..maxn, ysa)
            double mx = (maxn + 1) / 2.0;
            double my = 0;
            for (int t = 0; t < maxn; t++) {
                my += ysa[t] / maxn;
            }
            double sxy = 0;
            double sxx = 0;
            for (int t = 0; t < maxn; t++) {
                sxy += (t + 1 - mx) * (ysa[t] - my);
                sxx += (t + 1 - mx) * (t + 1 - mx);
            }
            double b0 = sxy / sxx;
            double l0 = my - b0 * mx;
            if (Math.abs(l0 + b0) < 1e-8) {
                l0 *= 1 + 1e-3;
                b0 *= 1 - 1e-3;
            }
            out[i++] = l0;
            out[i++] = b0;
        }
        if (seas != null) {
            System.arraycopy(seas, 0, out, i, seas.length);
        }
        return out;
    }

    /** Least squares of y on 1, t, sin(2πt/m), cos(2πt/m) (t = 1..n; the sine alone is dropped when m = 2): R's {@code tslm(y ~ trend + fourier(y, 1))}. */
    private static double[] fourierTrend(double[] y, int m) {
        int n = y.length;
        int p = m == 2 ? 3 : 4;
        double[][] xtx = new double[p][p];
        double[] xty = new double[p];
        for (int t = 0; t < n; t++) {
            double tt = t + 1;
            double[] x = m == 2 ? new double[] {1, tt, Math.cos(Math.PI * tt)}
                    : new double[] {1, tt, Math.sin(2 * Math.PI * tt / m), Math.cos(2 * Math.PI * tt / m)};
            for (int a = 0; a < p; a++) {
                xty[a] += x[a] * y[t];
                for (int b = 0; b < p; b++) {
                    xtx[a][b] += x[a] * x[b];
                }
            }
        }
        return solve(xtx, xty);
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b) {
        int p = b.length;
        for (int c = 0; c < p; c++) {
            int piv = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] tr = a[c];
            a[c] = a[piv];
            a[piv] = tr;
            double tb = b[c];
            b[c] = b[piv];
            b[piv] = tb;
            for (int r = c + 1; r < p; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < p; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < p; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /** The objective R minimises for one model (its {@code EtsTargetFunction}): parameters → likelihood criterion. */
    private static final class Target {
        private final double[] y;
        private final Model model;
        private final int m;
        private final int nWeights;

        private final double[] state;                      // scratch: the states during one evaluation
        private final double[] work;                       // scratch: the seasonal states
        private final Polynomials.Roots roots = new Polynomials.Roots();   // the last check's roots: the next one's start

        Target(double[] y, Model model, int m, int nWeights, int nPar) {
            this.y = y;
            this.model = model;
            this.m = m;
            this.nWeights = nWeights;
            this.state = new double[nPar - nWeights + (model.season() != 'N' ? 1 : 0)];
            this.work = new double[m];
        }

        /** R's objective at {@code par}: +∞ outside the bounds or where it cannot be computed. */
        double value(double[] par) {
            int j = 0;
            double alpha = par[j++];
            double beta = model.trend() != 'N' ? par[j++] : 0;
            double gamma = model.season() != 'N' ? par[j++] : 0;
            double phi = model.damped() ? par[j++] : 1;
            if (!withinBounds(alpha, beta, gamma, phi) || !states(par, state)) {
                return Double.POSITIVE_INFINITY;
            }
            double lik = filter(y, state, model, m, alpha, beta, gamma, phi, null, work);
            if (lik < -1e10) {
                lik = -1e10;                               // no reward for a perfect fit
            }
            return Double.isNaN(lik) ? Double.POSITIVE_INFINITY : lik;
        }

        /** The initial states at {@code par} into {@code out}, the last seasonal one completing the sum; false when a multiplicative one is negative. */
        private boolean states(double[] par, double[] out) {
            int nState = par.length - nWeights;
            System.arraycopy(par, nWeights, out, 0, nState);
            if (model.season() != 'N') {                   // the last seasonal state: they sum to 0 (or m)
                int first = model.trend() != 'N' ? 2 : 1;
                double sum = 0;
                for (int i = first; i < nState; i++) {
                    sum += out[i];
                }
                out[nState] = (model.season() == 'M' ? m : 0) - sum;
                if (model.season() == 'M') {
                    for (int i = first; i < out.length; i++) {
                        if (out[i] < 0) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        /** The model at {@code par} with its objective; {@code null} outside the bounds. */
        Fit fitAt(double[] par) {
            int j = 0;
            double alpha = par[j++];
            double beta = model.trend() != 'N' ? par[j++] : 0;
            double gamma = model.season() != 'N' ? par[j++] : 0;
            double phi = model.damped() ? par[j] : 1;
            double[] init = new double[state.length];
            if (!withinBounds(alpha, beta, gamma, phi) || !states(par, init)) {
                return null;
            }
            return new Fit(model, m, alpha, beta, gamma, phi, init, value(par), Double.NaN);
        }

        private boolean withinBounds(double alpha, double beta, double gamma, double phi) {
            boolean trend = model.trend() != 'N';
            boolean season = model.season() != 'N';
            if (alpha < LOWER[0] || alpha > UPPER[0]) {
                return false;
            }
            if (trend && (beta < LOWER[1] || beta > alpha || beta > UPPER[1])) {
                return false;
            }
            if (model.damped() && (phi < LOWER[3] || phi > UPPER[3])) {
                return false;
            }
            if (season && (gamma < LOWER[2] || gamma > 1 - alpha || gamma > UPPER[2])) {
                return false;
            }
            return admissible(alpha, trend ? beta : 0, gamma, phi, season, trend);
        }

        /** R's admissibility: the parameters of a forecastable model (Hyndman et al. 2008, ch. 10). */
        private boolean admissible(double alpha, double beta, double gamma, double phi, boolean season, boolean trend) {
            if (phi < 0 || phi > 1 + 1e-8) {
                return false;
            }
            if (!season) {
                if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) {
                    return false;
                }
                return !trend || !(beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha));
            }
            if (m <= 1) {
                return true;
            }
            double d = 1 - 1 / phi - alpha;
            if (gamma < Math.max(d, 0) || gamma > 1 + 1 / phi - alpha) {
                return false;
            }
            if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m)) {
                return false;
            }
            if (beta < -(1 - phi) * (gamma / m + alpha)) {
                return false;
            }
            // the characteristic polynomial's roots inside the unit circle (leading coefficient first)
            double[] c = new double[m + 2];
            c[0] = 1;
            c[1] = alpha + beta - phi;
            for (int i = 0; i < m - 2; i++) {
                c[2 + i] = alpha + beta - alpha * phi;
            }
            c[m] = alpha + beta - alpha * phi + gamma - 1;
            c[m + 1] = phi * (1 - alpha - gamma);
            return Polynomials.largestRootModulus(c, roots) <= 1 + 1e-10;
        }
    }

    /**
     * R's {@code etscalc}: runs the model through {@code y} from {@code state} (level, slope, seasonal states, the most
     * recent first), leaving the final states in it; returns the likelihood criterion, NaN when a forecast is not finite.
     */
    static double filter(double[] y, double[] state, Fit f, double[] errors) {
        return filter(y, state, f.model(), f.m(), f.alpha(), f.beta(), f.gamma(), f.phi(), errors, null);
    }

    /** {@link #filter(double[], double[], Fit, double[])} with the weights given one by one; {@code work}: m doubles to reuse, or null. */
    private static double filter(double[] y, double[] state, Model model, int m, double alpha, double beta, double gamma,
                                 double phi, double[] errors, double[] work) {
        boolean trend = model.trend() != 'N';
        char season = model.season();
        double l = state[0];
        double b = trend ? state[1] : 0;
        int s0 = trend ? 2 : 1;
        double[] s = null;
        if (season != 'N') {
            s = work != null && work.length == m ? work : new double[m];
            System.arraycopy(state, s0, s, 0, m);
        }
        // the seasonal states as a ring: the one from m steps back at `last`, the newest written over it (the states'
        // order, newest first, is restored at the end); before, an m − 1 array copy a step
        int last = m - 1;
        boolean multiplicativeError = model.error() == 'M';
        double sse = 0;
        double logf = 0;
        for (int i = 0; i < y.length; i++) {
            double phib = trend ? phi * b : 0;
            double q = l + phib;                            // level + damped slope
            double sm = season != 'N' ? s[last] : 0;        // the seasonal state from m steps back
            double fc = season == 'A' ? q + sm : season == 'M' ? q * sm : q;
            double e = !multiplicativeError ? y[i] - fc : (y[i] - fc) / fc;
            if (errors != null) {
                errors[i] = e;
            }
            sse += e * e;
            if (multiplicativeError) {                      // only the multiplicative error's likelihood has it
                logf += Math.log(Math.abs(fc));
            }
            double p = season == 'N' ? y[i] : season == 'A' ? y[i] - sm : Math.abs(sm) < TOL ? 1e10 : y[i] / sm;
            double oldl = l;
            l = q + alpha * (p - q);
            if (trend) {
                double r = l - oldl;
                b = phib + (beta / alpha) * (r - phib);
            }
            if (season != 'N') {
                double t = season == 'A' ? y[i] - q : Math.abs(q) < TOL ? 1e10 : y[i] / q;
                s[last] = sm + gamma * (t - sm);
                last = last == 0 ? m - 1 : last - 1;
            }
        }
        state[0] = l;
        if (trend) {
            state[1] = b;
        }
        if (s != null) {                                    // newest first: the newest is just after `last`
            for (int k = 0; k < m; k++) {
                state[s0 + k] = s[(last + 1 + k) % m];
            }
        }
        double lik = y.length * Math.log(sse);
        if (multiplicativeError) {
            lik += 2 * logf;
        }
        return lik;
    }

    /** R's {@code forecast} of the state: ŷ[n + k] = ℓ + (φ + … + φᵏ)·b, plus or times the season's state. */
    static double[] pointForecast(double[] state, Fit f, int h) {
        Model model = f.model();
        int m = f.m();
        boolean trend = model.trend() != 'N';
        int s0 = trend ? 2 : 1;
        double[] out = new double[h];
        double phistar = f.phi();
        for (int i = 0; i < h; i++) {
            double v = trend ? state[0] + phistar * state[1] : state[0];
            if (model.season() != 'N') {
                int j = m - 1 - i;
                while (j < 0) {
                    j += m;
                }
                v = model.season() == 'A' ? v + state[s0 + j] : v * state[s0 + j];
            }
            out[i] = v;
            phistar += Math.abs(f.phi() - 1) < TOL ? 1 : Math.pow(f.phi(), i + 1);
        }
        return out;
    }
}
