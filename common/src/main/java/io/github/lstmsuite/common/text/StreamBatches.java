package io.github.lstmsuite.common.text;

import io.github.lstmsuite.common.train.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of B parallel streams over one long token sequence, for a language model trained with
 * truncated BPTT (char-rnn's layout). The text is cut into B contiguous streams; batch i holds, for
 * every stream, the next {@code window} tokens as inputs and the same positions shifted by one as
 * targets:
 * <pre>
 *   stream s:  tokens[start + s·L + i·W ... start + s·L + (i+1)·W)        L = stream length, W = window
 *   features   [B, 1, W] token indices (for an embedding layer)   or   [B, V, W] one-hot
 *   labels     [B, 1, W] index of the next token (for {@code SoftmaxOutput}'s sparse cross-entropy)
 *              or [B, V, W] one-hot of it (for DL4J's {@code RnnOutputLayer} with {@code MCXENT})
 * </pre>
 * DL4J's truncated BPTT then cuts each window into segments of {@code tbptt} steps and carries the LSTM
 * state from one segment to the next. Each epoch starts the streams at a different offset (drawn from
 * {@code seed + epoch}), so segment boundaries move; a batch is a pure function of (epoch, index).
 */
public final class StreamBatches implements Batches {
    private final int[] tokens;
    private final int vocab;
    private final int streams;
    private final int window;
    private final int tbptt;
    private final boolean oneHotInput;
    private final boolean indexLabels;
    private final long seed;
    private final int streamLength;

    /**
     * @param tokens      the training text as vocabulary indices
     * @param vocab       vocabulary size V
     * @param streams     B, examples per mini-batch
     * @param window      W, time steps per mini-batch (a multiple of {@code tbptt} keeps segments equal)
     * @param tbptt       DL4J's truncated-BPTT length (for the per-step loss of the last segment)
     * @param oneHotInput one-hot features instead of indices
     * @param indexLabels labels as next-token indices {@code [B, 1, W]} (for {@code SoftmaxOutput}) instead of
     *                    one-hot {@code [B, V, W]} (for DL4J's {@code RnnOutputLayer} with {@code MCXENT})
     */
    public StreamBatches(int[] tokens, int vocab, int streams, int window, int tbptt, boolean oneHotInput,
                         boolean indexLabels, long seed) {
        this.tokens = tokens;
        this.vocab = vocab;
        this.streams = streams;
        this.window = window;
        this.tbptt = tbptt;
        this.oneHotInput = oneHotInput;
        this.indexLabels = indexLabels;
        this.seed = seed;
        this.streamLength = (tokens.length - window) / streams;
        if (streamLength < window) {
            throw new io.github.lstmsuite.common.UserException("the training text (" + tokens.length + " characters) is too short for "
                    + streams + " streams of at least " + window + " characters (--batch-size × --window); use a shorter --window or --batch-size");
        }
    }

    @Override
    public int batchesPerEpoch() {
        return streamLength / window;
    }

    /** The first token of stream 0 in {@code epoch}. */
    int epochOffset(int epoch) {
        return new java.util.Random(seed * 31 + epoch).nextInt(window);
    }

    @Override
    public DataSet batch(int epoch, int index) {
        int start = epochOffset(epoch) + index * window;
        int[] starts = new int[streams];
        for (int s = 0; s < streams; s++) {
            starts[s] = start + s * streamLength;
        }
        return windows(tokens, starts, window, vocab, oneHotInput, indexLabels);
    }

    /**
     * The examples of windows of {@code tokens}: row {@code s} reads {@code window} tokens from
     * {@code starts[s]} and predicts each one's successor. Features {@code [B, 1, W]} indices or {@code [B, V, W]}
     * one-hot; labels {@code [B, 1, W]} indices or {@code [B, V, W]} one-hot (see the class comment).
     */
    public static DataSet windows(int[] tokens, int[] starts, int window, int vocab, boolean oneHotInput,
                                  boolean indexLabels) {
        final int rows = starts.length;
        // Filled as Java arrays in ND4J's 'c' order ([s][k][t] at (s·K + k)·W + t), then wrapped once.
        int xRows = oneHotInput ? vocab : 1, yRows = indexLabels ? 1 : vocab;
        float[] x = new float[rows * xRows * window];
        float[] y = new float[rows * yRows * window];
        for (int s = 0; s < rows; s++) {
            for (int t = 0; t < window; t++) {
                int in = tokens[starts[s] + t], next = tokens[starts[s] + t + 1];
                if (oneHotInput) {
                    x[(s * vocab + in) * window + t] = 1f;
                } else {
                    x[s * window + t] = in;
                }
                if (indexLabels) {
                    y[s * window + t] = next;
                } else {
                    y[(s * vocab + next) * window + t] = 1f;
                }
            }
        }
        return new DataSet(Nd4j.create(x, new long[]{rows, xRows, window}, DataType.FLOAT),
                Nd4j.create(y, new long[]{rows, yRows, window}, DataType.FLOAT));
    }

    /** DL4J's score after a truncated-BPTT fit is that of the last segment, summed over its steps. */
    @Override
    public double stepsPerExample(org.nd4j.linalg.dataset.api.DataSet batch) {
        long t = batch.getFeatures().size(2);
        long last = t % tbptt == 0 ? tbptt : t % tbptt;
        return Math.min(t, last);
    }
}
