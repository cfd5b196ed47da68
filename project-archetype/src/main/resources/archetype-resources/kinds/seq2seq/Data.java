package com.example.lstm;

import io.github.lstmsuite.common.text.PairBatch;
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
     * One mini-batch for the two-input graph, padded and masked (the suite's {@link PairBatch}): source
     * {@code [B, 1, Ts]}, target-in {@code [B, 1, Tt]} = {@code <s>} y1 … yn (teacher forcing: the true previous
     * token), labels {@code [B, 1, Tt]} = y1 … yn {@code </s>}, with masks {@code [B, Ts]} and {@code [B, Tt]}.
     */
    public static MultiDataSet encode(List<Example> batch, TokenVocabulary sv, TokenVocabulary tv) {
        return PairBatch.encode(batch.stream().map(e -> sv.encode(e.source())).toList(),
                batch.stream().map(e -> tv.encode(e.target())).toList());
    }

    /** The training mini-batches: a fresh order each epoch, fixed by (seed, epoch), so --resume sees the same ones. */
    public static Batches batches(List<Example> train, TokenVocabulary sv, TokenVocabulary tv, int batchSize, long seed) {
        return new Batches() {
            private int orderEpoch = -1;
            private List<Example> order;             // this epoch's shuffled pairs, drawn once per epoch

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
                if (epoch != orderEpoch) {
                    order = new ArrayList<>(train);
                    Collections.shuffle(order, new Random(seed + epoch));
                    orderEpoch = epoch;
                }
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
