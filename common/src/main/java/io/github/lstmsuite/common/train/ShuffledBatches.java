package io.github.lstmsuite.common.train;

import java.util.Random;
import java.util.function.Function;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * {@link Batches} over {@code n} in-memory examples: each epoch visits them in a fresh random order
 * drawn from {@code seed + epoch}, cut into mini-batches (the last one may be smaller). The order is
 * a pure function of (seed, epoch), so a resumed run sees the same batches.
 */
public final class ShuffledBatches implements Batches {
    private final int n;
    private final int batchSize;
    private final long seed;
    private final Function<int[], DataSet> assemble;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    /**
     * @param assemble builds the mini-batch of the given example indices
     */
    public ShuffledBatches(int n, int batchSize, long seed, Function<int[], DataSet> assemble) {
        if (n < 1 || batchSize < 1) {
            throw new IllegalArgumentException("need at least one example and a positive batch size");
        }
        this.n = n;
        this.batchSize = batchSize;
        this.seed = seed;
        this.assemble = assemble;
    }

    @Override
    public int batchesPerEpoch() {
        return (n + batchSize - 1) / batchSize;
    }

    @Override
    public DataSet batch(int epoch, int index) {
        int[] order = order(epoch);
        int from = index * batchSize;
        int to = Math.min(n, from + batchSize);
        int[] idx = new int[to - from];
        System.arraycopy(order, from, idx, 0, idx.length);
        return assemble.apply(idx);
    }

    /** The visiting order of epoch {@code epoch}: a Fisher–Yates shuffle seeded with {@code seed + epoch}. */
    public int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = permutation(n, new Random(seed + epoch));
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** 0 … n−1 in the order of a Fisher–Yates shuffle drawn from {@code rnd} (every shuffled order in the suite). */
    public static int[] permutation(int n, Random rnd) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
