package io.github.lstmsuite.common.series;

import io.github.lstmsuite.common.train.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Training mini-batches for a many-to-many forecaster: random windows of {@code window} consecutive
 * steps from the training part, with the input at every step and, as labels, the next {@code outputs}
 * steps' targets ({@link SeriesEncoding#target}). A window starting at s has its inputs at steps
 * {@code s … s+window−1} and its last label at step {@code s+window−1+outputs}, which is inside the
 * training part: no label ever leaves it. The first {@code warmup} steps of each window are masked
 * out of the loss (the network has seen too little there to forecast).
 *
 * <pre>
 *   features  [B, channels, window]   DL4J's NCW layout: batch, features, time
 *   labels    [B, outputs,  window]   output k−1 at step t = the target k steps after t
 *   mask      [B, window]             0 for the warm-up steps
 * </pre>
 * An "epoch" is a fixed number of mini-batches (small series have only a few dozen windows); batch
 * (e, i) is a pure function of the seed, e and i, so a resumed run sees the same batches.
 */
public final class WindowBatches implements Batches {
    private final SeriesEncoding enc;
    private final double[] z;
    private final double[][] features;
    private final int window;
    private final int outputs;
    private final int batchSize;
    private final int steps;
    private final int warmup;
    private final long seed;
    private final int firstStart;
    private final int windowsCount;

    /**
     * @param trainEnd   the training part is rows {@code [0, trainEnd)}
     * @param steps      mini-batches per epoch
     */
    public WindowBatches(SeriesEncoding enc, TimeSeries series, int trainEnd, int window, int outputs, int batchSize,
                         int steps, long seed) {
        this.enc = enc;
        this.z = enc.z(series.target());
        this.features = series.features();
        this.window = window;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.steps = steps;
        this.warmup = window / 4;
        this.seed = seed;
        this.firstStart = enc.firstStep();
        // last start s: s + window − 1 + outputs ≤ trainEnd − 1
        this.windowsCount = trainEnd - outputs - window + 1 - firstStart;
        if (windowsCount < 1) {
            throw new IllegalArgumentException("training part of " + trainEnd + " rows is too short for window "
                    + window + " and " + outputs + " output step(s)");
        }
    }

    /** Distinct training windows. */
    public int windows() {
        return windowsCount;
    }

    @Override
    public int batchesPerEpoch() {
        return steps;
    }

    @Override
    public DataSet batch(int epoch, int index) {
        int b = batchSize;
        int c = enc.channels();
        float[] x = new float[b * c * window];
        float[] y = new float[b * outputs * window];
        float[] m = new float[b * window];
        for (int j = 0; j < b; j++) {
            int s = firstStart + start(epoch, index * b + j);
            for (int t = 0; t < window; t++) {
                for (int ch = 0; ch < c; ch++) {
                    x[(j * c + ch) * window + t] = (float) enc.input(z, features, s + t, ch);
                }
                for (int k = 1; k <= outputs; k++) {
                    y[(j * outputs + k - 1) * window + t] = (float) enc.target(z, s + t, k);
                }
                m[j * window + t] = t < warmup ? 0f : 1f;
            }
        }
        INDArray f = Nd4j.create(x, new long[] {b, c, window}, 'c');
        INDArray l = Nd4j.create(y, new long[] {b, outputs, window}, 'c');
        INDArray mask = Nd4j.create(m, new long[] {b, window}, 'c');
        return new DataSet(f, l, null, mask);
    }

    @Override
    public double stepsPerExample(org.nd4j.linalg.dataset.api.DataSet batch) {
        return window - warmup;
    }

    private int permEpoch = -1;
    private int permCycle = -1;
    private int[] perm;

    /** The window (offset from the first possible start) at position p of epoch e's sequence. */
    private int start(int epoch, int p) {
        int cycle = p / windowsCount;
        if (epoch != permEpoch || cycle != permCycle) {
            perm = permutation(epoch, cycle);
            permEpoch = epoch;
            permCycle = cycle;
        }
        return perm[p % windowsCount];
    }

    /** The shuffled order of the windows in pass {@code cycle} of epoch {@code epoch}. */
    private int[] permutation(int epoch, int cycle) {
        return io.github.lstmsuite.common.train.ShuffledBatches.permutation(windowsCount,
                new Random(seed * 1_000_003L + epoch * 7919L + cycle));
    }
}
