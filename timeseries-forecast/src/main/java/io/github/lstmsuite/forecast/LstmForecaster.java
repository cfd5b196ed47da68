package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.SeriesEncoding;
import io.github.lstmsuite.common.series.TimeSeries;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The trained network as a {@link Forecaster}: for each origin o it reads the {@code window} steps
 * ending at o and forecasts the next h, in one of two ways:
 * <ul>
 *   <li>{@link Strategy#direct}: the output at the last step holds all h targets at once;</li>
 *   <li>{@link Strategy#recursive}: the output is one step ahead; it is fed back as the next input with
 *       {@code rnnTimeStep} (the LSTM state carried), h times.</li>
 * </ul>
 * All origins go through the network together as one batch (in chunks).
 */
public final class LstmForecaster implements Forecaster {
    /** How the h steps are produced. */
    public enum Strategy { direct, recursive }

    private static final int CHUNK = 512;

    private final MultiLayerNetwork net;
    private final SeriesEncoding enc;
    private final int window;
    private final Strategy strategy;

    public LstmForecaster(MultiLayerNetwork net, SeriesEncoding enc, int window, Strategy strategy) {
        this.net = net;
        this.enc = enc;
        this.window = window;
        this.strategy = strategy;
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public double[][] forecast(TimeSeries series, int[] origins, int h) {
        double[][] z = forecastZ(series, origins, h);
        for (double[] row : z) {
            for (int k = 0; k < h; k++) {
                row[k] = enc.y(row[k]);
            }
        }
        return z;
    }

    /** Forecasts in z (the log scale when the encoding takes logs): where the intervals are measured. */
    public double[][] forecastZ(TimeSeries series, int[] origins, int h) {
        int outputs = (int) net.getLayer(net.getnLayers() - 1).getParam("W").size(1);
        if (strategy == Strategy.direct && h > outputs) {
            throw new io.github.lstmsuite.common.UserException("--horizon " + h + " is longer than the " + outputs
                    + " steps this direct model was trained for");
        }
        double[] z = enc.z(series.target());
        double[][] out = new double[origins.length][];
        for (int from = 0; from < origins.length; from += CHUNK) {
            int n = Math.min(CHUNK, origins.length - from);
            int[] chunk = java.util.Arrays.copyOfRange(origins, from, from + n);
            double[][] part = strategy == Strategy.direct ? direct(series, z, chunk, h) : recursive(series, z, chunk, h);
            System.arraycopy(part, 0, out, from, n);
        }
        return out;
    }

    /** The inputs of the windows ending at each origin: [n, C, window]. */
    private INDArray windows(TimeSeries series, double[] z, int[] origins) {
        int c = enc.channels();
        float[] x = new float[origins.length * c * window];
        for (int i = 0; i < origins.length; i++) {
            int first = origins[i] - window + 1;
            if (first < enc.firstStep()) {
                throw new IllegalArgumentException("origin " + origins[i] + " has fewer than " + window + " steps of history");
            }
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < window; t++) {
                    x[(i * c + ch) * window + t] = (float) enc.input(z, series.features(), first + t, ch);
                }
            }
        }
        return Nd4j.create(x, new long[] {origins.length, c, window}, 'c');
    }

    private double[][] direct(TimeSeries series, double[] z, int[] origins, int h) {
        INDArray y = net.output(windows(series, z, origins), false);              // [n, K, window]
        INDArray last = y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(window - 1)); // [n, K]
        double[][] out = new double[origins.length][h];
        for (int i = 0; i < origins.length; i++) {
            double zt = z[origins[i]];
            for (int k = 1; k <= h; k++) {
                out[i][k - 1] = enc.zFromOutput(zt, k, last.getDouble(i, k - 1));
            }
        }
        return out;
    }

    private double[][] recursive(TimeSeries series, double[] z, int[] origins, int h) {
        if (series.features().length > 0) {
            throw new io.github.lstmsuite.common.UserException("the recursive strategy cannot forecast with --features (their future values are unknown): use --strategy direct");
        }
        int n = origins.length;
        double[][] out = new double[n][h];
        double[] zPrev = new double[n];
        for (int i = 0; i < n; i++) {
            zPrev[i] = z[origins[i]];
        }
        net.rnnClearPreviousState();
        try {
            // output 0 is the one-step-ahead forecast (a direct model's first output works the same way)
            INDArray y = net.rnnTimeStep(windows(series, z, origins));             // [n, K, window]
            INDArray step = y.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(window - 1)); // [n]
            int c = enc.channels();
            for (int k = 0; k < h; k++) {
                float[] x = new float[n * c];
                for (int i = 0; i < n; i++) {
                    double o = step.getDouble(i);
                    double zNext = enc.zFromOutput(zPrev[i], 1, o);
                    out[i][k] = zNext;
                    // the next input: the forecast change (the output itself, already scaled) and the level
                    x[i * c] = (float) (enc.diff() ? o : (zNext - enc.zMean()) / enc.zStd());
                    if (enc.diff()) {
                        x[i * c + 1] = (float) ((zNext - enc.zMean()) / enc.zStd());
                    }
                    zPrev[i] = zNext;
                }
                if (k + 1 < h) {
                    INDArray next = net.rnnTimeStep(Nd4j.create(x, new long[] {n, c, 1}, 'c'));   // [n, K, 1]
                    step = next.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(0));
                }
            }
        } finally {
            net.rnnClearPreviousState();
        }
        return out;
    }
}
