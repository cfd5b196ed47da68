package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.text.LengthBuckets;
import io.github.lstmsuite.common.text.PairBatch;
import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.train.Batches;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * Training mini-batches for the encoder–decoder, of pairs whose targets have about the same length
 * ({@link LengthBuckets}: sorted by target length within pools of shuffled pairs), padded per batch, with masks:
 *
 * <pre>
 *   source       [B, 1, Ts]   token indices, padded with &lt;pad&gt;     mask [B, Ts]
 *   target in    [B, 1, Tt]   &lt;s&gt; y1 … yn: the target shifted right   mask [B, Tt]
 *   labels       [B, 1, Tt]   y1 … yn &lt;/s&gt; (indices: sparse cross-entropy)  mask [B, Tt]
 * </pre>
 * Teacher forcing feeds the true previous token as the decoder's input. With a ratio r &lt; 1 (scheduled
 * sampling, “Recurrent neural networks, chapter 5”'s {@code teacher_forcing_ratio}) a first forward pass of the current network predicts
 * every step; each decoder input after the first is then, with probability 1 − r, the model's own
 * prediction at the step before instead of the true token, and the training pass runs on that mix. (The
 * seed decides per step inside a step-by-step loop; with whole-sequence training the predictions come from
 * the first pass: one pass of look-ahead instead of a chain, the standard approximation.)
 *
 * <p>Why the target's length alone: the decoder and the softmax over the target vocabulary are most of a
 * step's work, and grouping by target length removes nearly all their padding (41 % of their steps with
 * random batches of the bundled pairs, 2 % now); the sources inside a batch stay mixed. Sorting by source
 * length too made batches of one kind of sentence: on the dates task, where the source's length gives away
 * its format, every batch held one format and the test exact match fell from 0.986 to 0.911.
 */
public final class PairBatches implements Batches {
    private final List<TranslateData.Example> examples;
    private final TokenVocabulary sv;
    private final TokenVocabulary tv;
    private final int batchSize;
    private final double teacherForcing;
    private final long seed;
    private ComputationGraph net;
    private final int[] lengths;
    private int orderEpoch = -1;
    private int[][] order;

    public PairBatches(List<TranslateData.Example> examples, TokenVocabulary sv, TokenVocabulary tv, int batchSize,
                       double teacherForcing, long seed) {
        this.examples = examples;
        this.sv = sv;
        this.tv = tv;
        this.batchSize = batchSize;
        this.teacherForcing = teacherForcing;
        this.seed = seed;
        this.lengths = examples.stream().mapToInt(e -> e.target().size()).toArray();   // by target length only (below)
    }

    @Override
    public int batchesPerEpoch() {
        return (examples.size() + batchSize - 1) / batchSize;
    }

    @Override
    public DataSet batch(int epoch, int index) {
        throw new UnsupportedOperationException("the encoder-decoder has two inputs: see multiBatch");
    }

    @Override
    public void useNetwork(Model network) {
        this.net = (ComputationGraph) network;
    }

    @Override
    public MultiDataSet multiBatch(int epoch, int index) {
        if (epoch != orderEpoch) {                        // the batches of an epoch, drawn from (seed, epoch)
            order = LengthBuckets.batches(lengths, batchSize, LengthBuckets.POOL_BATCHES, new Random(seed * 31 + epoch));
            orderEpoch = epoch;
        }
        List<TranslateData.Example> batch = new ArrayList<>();
        for (int i : order[index]) {
            batch.add(examples.get(i));
        }
        MultiDataSet mds = encode(batch, sv, tv);
        if (teacherForcing < 1.0 && net != null) {
            mixInPredictions(mds, new Random(seed * 1_000_003L + epoch * 100_003L + index));
        }
        return mds;
    }

    /** Encodes examples as the three padded arrays and their masks (common's {@link PairBatch}). */
    public static MultiDataSet encode(List<TranslateData.Example> batch, TokenVocabulary sv, TokenVocabulary tv) {
        return PairBatch.encode(batch.stream().map(e -> sv.encode(e.source())).toList(),
                batch.stream().map(e -> tv.encode(e.target())).toList());
    }

    /** Scheduled sampling: replaces decoder inputs by the model's own previous predictions with probability 1 − r. */
    private void mixInPredictions(MultiDataSet mds, Random r) {
        INDArray[] out = net.output(false, mds.getFeatures(), mds.getFeaturesMaskArrays());
        INDArray pred = out[0].argMax(1);                                   // [B, Tt]: the likeliest token per step
        INDArray tin = mds.getFeatures(1);                                  // [B, 1, Tt]
        INDArray mask = mds.getFeaturesMaskArray(1);
        long b = tin.size(0);
        long tt = tin.size(2);
        for (int i = 0; i < b; i++) {
            for (int t = 1; t < tt; t++) {
                if (mask.getDouble(i, t) > 0 && r.nextDouble() >= teacherForcing) {
                    tin.putScalar(new long[] {i, 0, t}, pred.getDouble(i, t - 1));
                }
            }
        }
    }

    @Override
    public double stepsPerExample(org.nd4j.linalg.dataset.api.MultiDataSet batch) {
        INDArray m = batch.getLabelsMaskArray(0);
        return m.sumNumber().doubleValue() / m.size(0);
    }
}
