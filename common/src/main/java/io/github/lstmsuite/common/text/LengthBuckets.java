package io.github.lstmsuite.common.text;

import io.github.lstmsuite.common.train.ShuffledBatches;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/**
 * Mini-batches of sequences of similar length, so that padding to the longest sequence of a batch wastes
 * little work. A batch is padded to its longest member and every padded step still costs a full step of
 * every layer (DL4J, like PyTorch without {@code pack_padded_sequence}, computes the padded steps and masks
 * them out afterwards); with random batches of the bundled English–French pairs 41 % of the decoder's and
 * the softmax layer's steps are padding, in batches made here about 2 %.
 *
 * <p>The recipe (torchtext's {@code BucketIterator}, fairseq's length-sorted batches): shuffle all examples,
 * cut the shuffled order into pools of {@code poolBatches} mini-batches, sort each pool by length, cut it
 * into mini-batches, and shuffle the order of all mini-batches. A batch's members are still drawn at random
 * among examples of about its length, and the batches of one epoch come in random order; only the mixing of
 * long and short sequences inside one batch is gone. Everything is drawn from {@code rnd}, so (seed, epoch)
 * fixes the batches and a resumed run sees the same ones.
 */
public final class LengthBuckets {
    /** Mini-batches per sorted pool: enough for near-equal lengths in a batch, few enough to keep pools mixed. */
    public static final int POOL_BATCHES = 50;

    private LengthBuckets() {
    }

    /**
     * The mini-batches of one epoch, as example indices: {@code ceil(n / batchSize)} of them, each full but
     * possibly the last one of the last pool.
     *
     * @param lengths     the sort key of each example (the translator: its target's length; ties keep the
     *                    shuffled order)
     * @param batchSize   examples per mini-batch
     * @param poolBatches mini-batches per sorted pool (1: plain shuffled batches)
     * @param rnd         the source of both shuffles
     */
    public static int[][] batches(int[] lengths, int batchSize, int poolBatches, Random rnd) {
        if (batchSize < 1 || poolBatches < 1) {
            throw new IllegalArgumentException("batch size and pool size must be positive");
        }
        int n = lengths.length;
        int[] order = ShuffledBatches.permutation(n, rnd);
        int[][] out = new int[(n + batchSize - 1) / batchSize][];
        int b = 0;
        int pool = batchSize * poolBatches;
        for (int from = 0; from < n; from += pool) {
            Integer[] members = new Integer[Math.min(pool, n - from)];
            for (int i = 0; i < members.length; i++) {
                members[i] = order[from + i];
            }
            Arrays.sort(members, Comparator.comparingInt(i -> lengths[i]));       // stable: ties keep the shuffle
            for (int s = 0; s < members.length; s += batchSize) {
                int[] batch = new int[Math.min(batchSize, members.length - s)];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = members[s + i];
                }
                out[b++] = batch;
            }
        }
        int[] batchOrder = ShuffledBatches.permutation(out.length, rnd);
        int[][] shuffled = new int[out.length][];
        for (int i = 0; i < out.length; i++) {
            shuffled[i] = out[batchOrder[i]];
        }
        return shuffled;
    }
}
