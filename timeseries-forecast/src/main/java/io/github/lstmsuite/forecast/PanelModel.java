package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.Theta;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.train.Batches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One LSTM for many series: how each series is put on a common scale, the training windows drawn across the series,
 * and the forecasts of an ensemble.
 *
 * <p><b>A common scale</b>, in the spirit of Smyl's ES-RNN (the M4 competition's winner): exponential smoothing takes
 * each series' season out and gives its smoothed level, the network learns the rest across all series (see
 * {@link Encoding}).
 *
 * <pre>
 *   input   [B, C, W]   over W steps: the change (z[t] − z[t−1]) / σ, the period as log(m) / log(336), the value's
 *                       distance from ETS's level (z[t] − ℓ[t]) / σ; with {@code --ets-inputs}, ETS's forecasts of the H
 *                       next values as seen at t, on the output's scale (0 where ETS does not take the period); then,
 *                       with covariates ({@link Inputs}), each past covariate at t and each known-ahead one at
 *                       t+1 … t+H: C = 3 [+ H] + P + F × H
 *   output  [B, H, W]   at every step t: (z[t+k] − z[t]) / σ for k = 1..H, the k-th value ahead out of season as seen
 *                       at t, relative to the value at t; the forecast is the last step's
 * </pre>
 */
final class PanelModel {
    /** The first input channels: the scaled change, the period, and the value's distance from the anchor. */
    static final int CHANNELS = 3;

    /**
     * Input channels with {@code ets} of ETS's forecasts (0, or H with {@code --ets-inputs}), {@code past} past covariates
     * and {@code ahead} known-ahead ones, for horizon {@code h}.
     */
    static int channels(int ets, int past, int ahead, int h) {
        return CHANNELS + ets + past + ahead * h;
    }

    /**
     * A series' covariates on the network's scale: each standardised by its mean and standard deviation over the training
     * part (the same cut as the series' own scale; a constant one is only centred) and clipped to ±5. A past covariate is
     * read at t, a known-ahead one at t + 1 … t + H (the values the forecast from t may use); the calendar is the season's
     * position (sin and cos of 2π · month / 12, quarter / 4, or t mod m), known ahead. A covariate the series does not
     * have is null: the network reads 0.
     *
     * @param past  [P][rows] past covariates, rows = the series' values
     * @param ahead [F][rows] known-ahead covariates, rows = its values and its future rows
     */
    record Inputs(double[][] past, double[][] ahead) {
        static final Inputs NONE = new Inputs(new double[0][], new double[0][]);

        /** The input channels these take for horizon {@code h}. */
        int channels(int h) {
            return past.length + ahead.length * h;
        }

        /**
         * The inputs of series {@code s} of a panel whose covariates are {@code names}, {@code future} of them known ahead,
         * plus the calendar when asked; scaled by the rows before {@code trainEnd}.
         */
        static Inputs of(PanelData.Series s, List<String> names, List<String> future, boolean calendar, int trainEnd, int h) {
            List<double[]> past = new ArrayList<>();
            List<double[]> ahead = new ArrayList<>();
            for (int c = 0; c < names.size(); c++) {
                double[] v = s.covariates().length > c ? s.covariates()[c] : null;
                (future.contains(names.get(c)) ? ahead : past).add(v == null ? null : standardise(v, trainEnd));
            }
            if (calendar) {
                int m = s.period();
                int rows = s.length() + Math.max(s.futureRows(), h);     // the calendar is known as far ahead as wanted
                double[] sin = m > 1 ? new double[rows] : null;
                double[] cos = m > 1 ? new double[rows] : null;
                for (int t = 0; m > 1 && t < rows; t++) {
                    double a = 2 * Math.PI * ((s.phase0() + t) % m) / m;
                    sin[t] = Math.sin(a);
                    cos[t] = Math.cos(a);
                }
                ahead.add(sin);
                ahead.add(cos);
            }
            return past.isEmpty() && ahead.isEmpty() ? NONE : new Inputs(past.toArray(double[][]::new), ahead.toArray(double[][]::new));
        }

        private static double[] standardise(double[] v, int trainEnd) {
            int n = Math.max(1, Math.min(trainEnd, v.length));
            double mean = 0;
            for (int t = 0; t < n; t++) {
                mean += v[t];
            }
            mean /= n;
            double var = 0;
            for (int t = 0; t < n; t++) {
                var += (v[t] - mean) * (v[t] - mean);
            }
            double sd = Math.sqrt(var / n);
            double[] out = new double[v.length];
            for (int t = 0; t < v.length; t++) {
                out[t] = Math.max(-5, Math.min(5, (v[t] - mean) / (sd > 1e-12 ? sd : 1)));
            }
            return out;
        }

        /** Whether every known-ahead covariate the series has is given for the {@code h} steps after {@code t}. */
        boolean knownAhead(int t, int h) {
            for (double[] c : ahead) {
                if (c != null && t + h >= c.length) {
                    return false;
                }
            }
            return true;
        }

        /** Fills channels {@code from …} of window b at step j with the covariates for time t (0 outside the data). */
        void fill(Windows x, int b, int j, int t, int from, int h) {
            int ch = from;
            for (double[] c : past) {
                x.set(b, ch++, j, c != null && t >= 0 && t < c.length ? (float) c[t] : 0f);
            }
            for (double[] c : ahead) {
                for (int k = 1; k <= h; k++) {
                    int at = t + k;
                    x.set(b, ch++, j, c != null && t >= 0 && at < c.length ? (float) c[at] : 0f);
                }
            }
        }
    }

    private PanelModel() {
    }

    /**
     * One series on the common scale, in the spirit of Smyl's ES-RNN: exponential smoothing takes the season and the
     * level, the network the rest. ETS is chosen and fitted on the values before {@code fitEnd} ({@link Ets}); run
     * through the series, its seasonal states give at each time the season known the step before, s(t), and its level
     * after each value, ℓ(t). The series without its season — a(t) = y(t) / s(t) for a multiplicative season, y(t) −
     * s(t) for an additive one, y(t) without one — is taken to logs when positive (otherwise divided by its mean |a|):
     * z(t); the level likewise. The network reads the changes of z and z's distance from the level, in units of σ (the
     * mean |z(t) − z(t−1)| before {@code fitEnd}), and forecasts where z(t + k) lies relative to z(t), the k-th step
     * ahead put out of season with the seasonal states as they stood at t — what ETS itself would forecast with — so no
     * value after t is used. An output of 0 is the last value carried forward in season (M4's Naive2 with ETS's
     * season). For a period above ETS's 24 (or a series too short for ETS) the season is a classical decomposition's
     * index when the Theta method's test finds one, and the level is the value itself.
     */
    static final class Encoding {
        final int m;
        final char season;
        private final double[][] states;     // states[t + 1]: the m seasonal states after y(t); states[0]: the initial ones
        final boolean log;
        final double scale;
        final double sigma;
        final double[] zIn;                  // z(t) for every value of the series
        final double[] anchor;               // ETS's level after t on z's scale (z itself without an ETS fit)
        final Inputs inputs;                 // the covariates on the network's scale
        private final double[][] etsAhead;   // etsAhead[t][k − 1]: ETS's forecast of z(t + k) − z(t) as seen at t, over σ; null: none
        final int etsChannels;               // input channels for ETS's forecasts: 0, or H with --ets-inputs
        private final double[] y;

        private Encoding(double[] y, int m, char season, double[][] states, boolean log, double scale, double[] zIn,
                         double[] anchor, double sigma, Inputs inputs, double[][] etsRaw, int h) {
            this.etsChannels = h;
            this.y = y;
            this.inputs = inputs;
            this.anchor = anchor;
            this.m = m;
            this.season = season;
            this.states = states;
            this.log = log;
            this.scale = scale;
            this.zIn = zIn;
            this.sigma = sigma;
            this.etsAhead = etsRaw == null ? null : new double[y.length][h];
            for (int t = 0; etsRaw != null && t < y.length; t++) {
                for (int k = 1; k <= h; k++) {                      // ETS's forecast put out of season and scaled as a target
                    double a = adjust(etsRaw[t][k - 1], season, ahead(t, k));
                    double z = log ? Math.log(Math.max(a, 1e-12)) : a / scale;
                    etsAhead[t][k - 1] = Math.max(-10, Math.min(10, (z - zIn[t]) / sigma));
                }
            }
        }

        /** Fitted on {@code y[0..trainEnd)} only; the seasonal states then run through all of {@code y}. No other inputs. */
        static Encoding fit(double[] y, int trainEnd, int m) {
            return fit(y, trainEnd, m, 0, Inputs.NONE);
        }

        /**
         * As {@link #fit(double[], int, int)}, with ETS's forecasts of the next {@code etsH} values at every step as
         * inputs (0: none) and the series' covariates already on the network's scale.
         */
        static Encoding fit(double[] y, int trainEnd, int m, int etsH, Inputs inputs) {
            int h = etsH;
            double[] train = Arrays.copyOf(y, trainEnd);
            char season = 'N';
            double[][] states = null;
            double[][] etsRaw = null;                           // ETS's point forecasts from each step, where it takes the period
            double[] level = null;                              // ETS's level after each value (out of season)
            try {
                Ets.Fit f = Ets.fit(train, m);
                season = f.model().season();
                int s0 = f.model().trend() != 'N' ? 2 : 1;
                double[] state = f.init().clone();
                level = new double[y.length];
                if (m <= Ets.MAX_PERIOD && h > 0) {
                    etsRaw = new double[y.length][];
                }
                if (season != 'N') {
                    states = new double[y.length + 1][];
                    states[0] = Arrays.copyOfRange(state, s0, s0 + f.m());
                }
                for (int t = 0; t < y.length; t++) {                // one pass: the level and the seasonal states after each value
                    f.run(y[t], state);
                    level[t] = state[0];
                    if (etsRaw != null) {
                        etsRaw[t] = f.forecastFrom(state, h);
                    }
                    if (states != null) {
                        states[t + 1] = Arrays.copyOfRange(state, s0, s0 + f.m());
                    }
                }
            } catch (IllegalArgumentException e) {
                season = 'N';                                   // too short for ETS: no seasonal adjustment
                level = null;
                etsRaw = null;
            }
            if (season == 'N' && m > 24) {
                // a period ETS does not take (R's limit, 24): the season of a classical decomposition, when the
                // Theta method's test finds one, as fixed multiplicative factors
                double[] index = Arrays.stream(train).allMatch(v -> v > 0) ? Theta.seasonalIndex(train, m) : null;
                if (index != null) {
                    season = 'M';
                    states = new double[y.length + 1][m];
                    for (int t = -1; t < y.length; t++) {
                        for (int j = 0; j < m; j++) {
                            states[t + 1][j] = index[Math.floorMod(t - j, m)];   // state j after t: the factor of t − j
                        }
                    }
                }
            }
            double[] a = new double[y.length];
            for (int t = 0; t < y.length; t++) {
                a[t] = adjust(y[t], season, states == null ? 0 : states[t][m - 1]);
            }
            boolean positive = true;
            double sum = 0;
            for (int t = 0; t < trainEnd; t++) {
                positive &= a[t] > 0;
                sum += Math.abs(a[t]);
            }
            double scale = Math.max(1e-12, sum / trainEnd);
            double[] z = new double[y.length];
            for (int t = 0; t < y.length; t++) {
                z[t] = positive ? Math.log(Math.max(a[t], 1e-12)) : a[t] / scale;
            }
            double d = 0;
            for (int t = 1; t < trainEnd; t++) {
                d += Math.abs(z[t] - z[t - 1]);
            }
            d /= Math.max(1, trainEnd - 1);
            // ETS's level (smoothed, out of season) on z's scale, an input: how far the value is from it; the value
            // itself where there is no ETS fit or the level cannot be taken to logs
            double[] anchor = z.clone();
            if (level != null) {
                boolean ok = true;
                for (double l : level) {
                    ok &= !positive || l > 0;
                }
                if (ok) {
                    for (int t = 0; t < y.length; t++) {
                        anchor[t] = positive ? Math.log(level[t]) : level[t] / scale;
                    }
                }
            }
            return new Encoding(y, m, season, states, positive, scale, z, anchor, d > 1e-9 ? d : 1, inputs, etsRaw, h);
        }

        private static double adjust(double v, char season, double s) {
            return season == 'M' ? v / s : season == 'A' ? v - s : v;
        }

        /** ETS's forecast input for k steps after t (on the output's scale), or NaN without one. */
        double etsInput(int t, int k) {
            return etsAhead == null || k > etsChannels ? Double.NaN : etsAhead[t][k - 1];
        }

        /** The network's input channels for horizon {@code h}. */
        int channels(int h) {
            return CHANNELS + etsChannels + inputs.channels(h);
        }

        /** The seasonal state for k steps after t (k ≥ 1), as it stood after y(t). */
        private double ahead(int t, int k) {
            return states == null ? 0 : states[t + 1][m - 1 - (k - 1) % m];
        }

        /** The scaled target: where the k-th value after t lies relative to the value at t, out of season as known at t. */
        double target(int t, int k) {
            return encode(t, k, y[t + k]);
        }

        /** Value {@code v}, k steps after origin o, on the output's scale: the inverse of {@link #decode}. */
        double encode(int o, int k, double v) {
            double a = adjust(v, season, ahead(o, k));
            double z = log ? Math.log(Math.max(a, 1e-12)) : a / scale;
            return (z - zIn[o]) / sigma;
        }

        /** The value k steps after origin o for the network's scaled output {@code out}. */
        double decode(int o, int k, double out) {
            double z = zIn[o] + sigma * out;
            double a = log ? Math.exp(z) : z * scale;
            double s = ahead(o, k);
            return season == 'M' ? a * s : season == 'A' ? a + s : a;
        }
    }

    /** The period as an input channel, in [0, 1] for periods up to 336. */
    static float periodChannel(int m) {
        return (float) (Math.log(Math.max(1, m)) / Math.log(336));
    }

    /**
     * Fills window {@code b} of {@code x} ([B, C, W]) with the W steps up to and including {@code origin}: the scaled
     * change, the period, the distance from the level, then the covariates for horizon {@code h}; steps before the data
     * are 0.
     */
    static void window(Windows x, int b, Encoding e, int origin, int w, int h) {
        double[] z = e.zIn;
        float period = periodChannel(e.m);
        for (int j = 0; j < w; j++) {
            int t = origin - w + 1 + j;
            x.set(b, 0, j, t >= 1 ? (float) ((z[t] - z[t - 1]) / e.sigma) : 0f);
            x.set(b, 1, j, period);
            x.set(b, 2, j, t >= 0 ? (float) ((z[t] - e.anchor[t]) / e.sigma) : 0f);
            for (int k = 0; k < e.etsChannels; k++) {
                x.set(b, CHANNELS + k, j, t >= 0 && e.etsAhead != null ? (float) e.etsAhead[t][k] : 0f);
            }
            e.inputs.fill(x, b, j, t, CHANNELS + e.etsChannels, h);
        }
    }

    /**
     * A {@code [n, channels, steps]} float array (DL4J's NCW, row-major) filled on the heap and made an INDArray once:
     * ND4J's {@code putScalar} checks and converts its indices at every call, which made building the panel's batches a
     * tenth of its training.
     */
    static final class Windows {
        private final float[] data;
        private final int channels;
        private final int steps;
        private final long n;

        Windows(int n, int channels, int steps) {
            this.data = new float[n * channels * steps];
            this.channels = channels;
            this.steps = steps;
            this.n = n;
        }

        void set(int b, int c, int j, float v) {
            data[(b * channels + c) * steps + j] = v;
        }

        INDArray array() {
            return Nd4j.create(data, new long[] {n, channels, steps}, 'c');
        }
    }

    /** One series prepared for training: its scale and the last origin whose H targets lie in its training part. */
    record Prepared(Encoding enc, int lastOrigin) {
    }

    /**
     * Mini-batches of windows drawn across the series: a series uniformly (so long series do not drown short ones), then
     * an origin in its training part uniformly; every step of the window that has real data before it is a training
     * target. The same seed, epoch and index give the same batch.
     */
    static final class PanelBatches implements Batches {
        private final List<Prepared> series;
        private final int w;
        private final int h;
        private final int batch;
        private final int steps;
        private final long seed;
        private final int channels;

        PanelBatches(List<Prepared> all, int w, int h, int batch, int steps, long seed) {
            this.series = all.stream().filter(p -> p.lastOrigin() >= 1).toList();
            if (series.isEmpty()) {
                throw new IllegalArgumentException("no series has a training window");
            }
            this.channels = series.get(0).enc().channels(h);
            this.w = w;
            this.h = h;
            this.batch = batch;
            this.steps = steps;
            this.seed = seed;
        }

        /** Series that give training windows. */
        int series() {
            return series.size();
        }

        @Override
        public int batchesPerEpoch() {
            return steps;
        }

        @Override
        public DataSet batch(int epoch, int index) {
            Random r = new Random(seed * 1_000_003L + epoch * 10_007L + index);
            Windows x = new Windows(batch, channels, w);                // [batch, channels, W]
            Windows y = new Windows(batch, h, w);                       // [batch, H, W]: the H steps ahead of each step
            Windows mask = new Windows(batch, 1, w);                    // [batch, W]
            for (int b = 0; b < batch; b++) {
                Prepared p = series.get(r.nextInt(series.size()));
                int o = 1 + r.nextInt(p.lastOrigin());               // 1..lastOrigin
                window(x, b, p.enc(), o, w, h);
                for (int j = 0; j < w; j++) {
                    int t = o - w + 1 + j;
                    if (t < 1) {
                        continue;                                    // before the data: no target
                    }
                    mask.set(b, 0, j, 1f);
                    for (int k = 1; k <= h; k++) {
                        y.set(b, k - 1, j, (float) p.enc().target(t, k));
                    }
                }
            }
            return new DataSet(x.array(), y.array(), null, mask.array().reshape(batch, w));
        }

        @Override
        public double stepsPerExample(org.nd4j.linalg.dataset.api.DataSet b) {
            return b.getLabelsMaskArray().sumNumber().doubleValue() / b.getLabelsMaskArray().size(0);
        }
    }

    /**
     * The ensemble's forecasts for one series: each member forecasts from the window ending at each origin, the median
     * of the members' scaled forecasts is taken step by step, then put back on the series' scale.
     */
    static final class EnsembleForecaster implements Forecaster {
        private final List<MultiLayerNetwork> members;
        private final Encoding enc;
        private final int w;

        EnsembleForecaster(List<MultiLayerNetwork> members, Encoding enc, int w) {
            this.members = members;
            this.enc = enc;
            this.w = w;
        }

        @Override
        public String name() {
            return "lstm";
        }

        @Override
        public double[][] forecast(TimeSeries series, int[] origins, int h) {
            if (series.length() != enc.zIn.length) {                 // the encoding holds the series it was fitted for
                throw new IllegalArgumentException("the ensemble's scale was fitted for a series of " + enc.zIn.length
                        + " values, not " + series.length());
            }
            Windows windows = new Windows(origins.length, enc.channels(h), w);
            for (int i = 0; i < origins.length; i++) {
                window(windows, i, enc, origins[i], w, h);
            }
            INDArray x = windows.array();                            // [origins, channels, W]
            List<float[][]> outs = new ArrayList<>();
            for (MultiLayerNetwork net : members) {
                INDArray out = net.output(x, false);                 // [n, H, W]
                float[][] last = new float[origins.length][h];
                for (int i = 0; i < origins.length; i++) {
                    for (int k = 0; k < h; k++) {
                        last[i][k] = out.getFloat(i, k, w - 1);
                    }
                }
                outs.add(last);
            }
            double[][] f = new double[origins.length][h];
            double[] vals = new double[members.size()];
            for (int i = 0; i < origins.length; i++) {
                for (int k = 0; k < h; k++) {
                    for (int j = 0; j < members.size(); j++) {
                        vals[j] = outs.get(j)[i][k];
                    }
                    Arrays.sort(vals);
                    int n = vals.length;
                    double med = n % 2 == 1 ? vals[n / 2] : 0.5 * (vals[n / 2 - 1] + vals[n / 2]);
                    f[i][k] = enc.decode(origins[i], k + 1, med);
                }
            }
            return f;
        }
    }
}
