package com.example.lstm;

import io.github.lstmsuite.common.text.SentencePairs;
import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.train.Batches;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data: sentence pairs from a TSV file (source TAB target, one pair a line), cut into characters, and
 * their padded, masked mini-batches. Bundled: 4,000 dates written six ways ("17 may 1971", "june 1, 1968",
 * "01.03.2040", …) with their ISO form ("1971-05-17").
 */
public final class Data {
    private Data() {
    }

    /** A pair as tokens (here: characters). */
    public record Example(List<String> source, List<String> target) {
    }

    /** Reads the pairs (the suite's TSV reader: one-line errors that name the line) as character tokens. */
    public static List<Example> read(Path file) {
        List<Example> out = new ArrayList<>();
        for (SentencePairs.Pair p : SentencePairs.read(file)) {
            out.add(new Example(chars(p.source()), chars(p.target())));
        }
        return out;
    }

    /** A text's characters as tokens. */
    public static List<String> chars(String s) {
        return s.codePoints().mapToObj(Character::toString).toList();
    }

    /**
     * One mini-batch as DL4J's MultiDataSet for a two-input graph, padded to the longest pair, with masks:
     * <pre>
     *   features[0] source      [B, 1, Ts]  token indices          mask [B, Ts]
     *   features[1] target in   [B, 1, Tt]  &lt;s&gt; y1 … yn        mask [B, Tt]   (teacher forcing: the true previous token)
     *   labels      target out  [B, 1, Tt]  y1 … yn &lt;/s&gt;       mask [B, Tt]
     * </pre>
     */
    public static MultiDataSet encode(List<Example> batch, TokenVocabulary sv, TokenVocabulary tv) {
        int b = batch.size();
        int ts = batch.stream().mapToInt(e -> e.source().size()).max().orElse(1);
        int tt = batch.stream().mapToInt(e -> e.target().size()).max().orElse(0) + 1;
        float[] src = new float[b * ts], srcMask = new float[b * ts];
        float[] tin = new float[b * tt], lab = new float[b * tt], tMask = new float[b * tt];
        for (int i = 0; i < b; i++) {
            int[] s = sv.encode(batch.get(i).source());
            int[] t = tv.encode(batch.get(i).target());
            for (int k = 0; k < s.length; k++) {
                src[i * ts + k] = s[k];
                srcMask[i * ts + k] = 1;
            }
            for (int k = 0; k <= t.length; k++) {
                tin[i * tt + k] = k == 0 ? TokenVocabulary.BOS_ID : t[k - 1];
                lab[i * tt + k] = k < t.length ? t[k] : TokenVocabulary.EOS_ID;
                tMask[i * tt + k] = 1;
            }
        }
        INDArray targetMask = Nd4j.create(tMask, new long[] {b, tt}, 'c');
        return new MultiDataSet(
                new INDArray[] {Nd4j.create(src, new long[] {b, 1, ts}, 'c'), Nd4j.create(tin, new long[] {b, 1, tt}, 'c')},
                new INDArray[] {Nd4j.create(lab, new long[] {b, 1, tt}, 'c')},
                new INDArray[] {Nd4j.create(srcMask, new long[] {b, ts}, 'c'), targetMask},
                new INDArray[] {targetMask.dup()});
    }

    /** The training mini-batches: a fresh order each epoch, fixed by (seed, epoch), so --resume sees the same ones. */
    public static Batches batches(List<Example> train, TokenVocabulary sv, TokenVocabulary tv, int batchSize, long seed) {
        return new Batches() {
            @Override
            public int batchesPerEpoch() {
                return (train.size() + batchSize - 1) / batchSize;
            }

            @Override
            public org.nd4j.linalg.dataset.api.DataSet batch(int epoch, int index) {
                return null;                     // a two-input graph: multiBatch is used
            }

            @Override
            public org.nd4j.linalg.dataset.api.MultiDataSet multiBatch(int epoch, int index) {
                List<Example> order = new ArrayList<>(train);
                Collections.shuffle(order, new Random(seed + epoch));
                return encode(order.subList(index * batchSize, Math.min(order.size(), (index + 1) * batchSize)), sv, tv);
            }

            @Override
            public double stepsPerExample(org.nd4j.linalg.dataset.api.MultiDataSet batch) {
                INDArray m = batch.getLabelsMaskArray(0);          // DL4J sums the loss over the target's steps
                return m.sumNumber().doubleValue() / m.size(0);
            }
        };
    }
}
