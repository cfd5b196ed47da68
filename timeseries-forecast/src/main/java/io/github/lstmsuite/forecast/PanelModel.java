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
 *   input   [B, 3, W]   over W steps: the change (z[t] − z[t−1]) / σ, the period as log(m) / log(336), and the value's
 *                       distance from ETS's level (z[t] − ℓ[t]) / σ
 *   output  [B, H, W]   at every step t: (z[t+k] − z[t]) / σ for k = 1..H, the k-th value ahead out of season as seen
 *                       at t, relative to the value at t; the forecast is the last step's
 * </pre>
 */
final class PanelModel {
    /** Input channels: the scaled change, the period, and the value's distance from the anchor. */
    static final int CHANNELS = 3;

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
        private final double[] y;

        private Encoding(double[] y, int m, char season, double[][] states, boolean log, double scale, double[] zIn,
                         double[] anchor, double sigma) {
            this.y = y;
            this.anchor = anchor;
            this.m = m;
            this.season = season;
            this.states = states;
            this.log = log;
            this.scale = scale;
            this.zIn = zIn;
            this.sigma = sigma;
        }

        /** Fitted on {@code y[0..trainEnd)} only; the seasonal states then run through all of {@code y}. */
        static Encoding fit(double[] y, int trainEnd, int m) {
            double[] train = Arrays.copyOf(y, trainEnd);
            char season = 'N';
            double[][] states = null;
            double[] level = null;                              // ETS's level after each value (out of season)
            try {
                Ets.Fit f = Ets.fit(train, m);
                season = f.model().season();
                int s0 = f.model().trend() != 'N' ? 2 : 1;
                double[] state = f.init().clone();
                level = new double[y.length];
                if (season != 'N') {
                    states = new double[y.length + 1][];
                    states[0] = Arrays.copyOfRange(state, s0, s0 + f.m());
                }
                for (int t = 0; t < y.length; t++) {                // one pass: the level and the seasonal states after each value
                    f.run(y[t], state);
                    level[t] = state[0];
                    if (states != null) {
                        states[t + 1] = Arrays.copyOfRange(state, s0, s0 + f.m());
                    }
                }
            } catch (IllegalArgumentException e) {
                season = 'N';                                   // too short for ETS: no seasonal adjustment
                level = null;
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
            return new Encoding(y, m, season, states, positive, scale, z, anchor, d > 1e-9 ? d : 1);
        }

        private static double adjust(double v, char season, double s) {
            return season == 'M' ? v / s : season == 'A' ? v - s : v;
        }

        /** The seasonal state for k steps after t (k ≥ 1), as it stood after y(t). */
        private double ahead(int t, int k) {
            return states == null ? 0 : states[t + 1][m - 1 - (k - 1) % m];
        }

        /** The scaled target: where the k-th value after t lies relative to the value at t, out of season as known at t. */
        double target(int t, int k) {
            double a = adjust(y[t + k], season, ahead(t, k));
            double z = log ? Math.log(Math.max(a, 1e-12)) : a / scale;
            return (z - zIn[t]) / sigma;
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
     * Fills window {@code b} of {@code x} ([B, 3, W]) with the W steps up to and including {@code origin}: the scaled
     * change, the period, the distance from the level; steps before the data are 0.
     */
    static void window(INDArray x, int b, Encoding e, int origin, int w) {
        double[] z = e.zIn;
        float period = periodChannel(e.m);
        for (int j = 0; j < w; j++) {
            int t = origin - w + 1 + j;
            x.putScalar(b, 0, j, t >= 1 ? (float) ((z[t] - z[t - 1]) / e.sigma) : 0f);
            x.putScalar(b, 1, j, period);
            x.putScalar(b, 2, j, t >= 0 ? (float) ((z[t] - e.anchor[t]) / e.sigma) : 0f);
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

        PanelBatches(List<Prepared> all, int w, int h, int batch, int steps, long seed) {
            this.series = all.stream().filter(p -> p.lastOrigin() >= 1).toList();
            if (series.isEmpty()) {
                throw new IllegalArgumentException("no series has a training window");
            }
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
            INDArray x = Nd4j.zeros(DataType.FLOAT, batch, CHANNELS, w);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, h, w);
            INDArray mask = Nd4j.zeros(DataType.FLOAT, batch, w);
            for (int b = 0; b < batch; b++) {
                Prepared p = series.get(r.nextInt(series.size()));
                int o = 1 + r.nextInt(p.lastOrigin());               // 1..lastOrigin
                window(x, b, p.enc(), o, w);
                for (int j = 0; j < w; j++) {
                    int t = o - w + 1 + j;
                    if (t < 1) {
                        continue;                                    // before the data: no target
                    }
                    mask.putScalar(b, j, 1f);
                    for (int k = 1; k <= h; k++) {
                        y.putScalar(b, k - 1, j, (float) p.enc().target(t, k));
                    }
                }
            }
            return new DataSet(x, y, null, mask);
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
            INDArray x = Nd4j.zeros(DataType.FLOAT, origins.length, CHANNELS, w);
            for (int i = 0; i < origins.length; i++) {
                window(x, i, enc, origins[i], w);
            }
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
