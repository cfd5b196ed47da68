package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.train.Batches;
import io.github.lstmsuite.common.train.ShuffledBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.csv.CSVNLinesSequenceRecordReader;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;

/**
 * The data: labelled series read with DataVec, DL4J's record readers, the way DL4J's own examples read
 * CSV. {@code features.csv} holds one value per line, every {@code steps} lines one series;
 * {@code labels.csv} holds one class index per line, one line per series.
 *
 * <p>Bundled: UCI's synthetic control charts (600 series of 60 steps, 6 classes: normal, cyclic,
 * increasing trend, decreasing trend, upward shift, downward shift), 75 of each class in the training
 * files and 25 in the test files.
 */
public final class Data {
    private Data() {
    }

    /**
     * Reads a split. DataVec's {@link SequenceRecordReaderDataSetIterator} with {@code ALIGN_END} puts each
     * series' label at its last step: features {@code [N, 1, steps]}, labels {@code [N, classes, steps]} with a
     * label mask that is 1 only at the last step — many-to-one, the way DL4J expresses it.
     */
    public static DataSet read(Path features, Path labels, int steps, int classes) {
        for (Path p : new Path[] {features, labels}) {
            if (!Files.isRegularFile(p)) {
                throw new UserException(p + ": no such file");
            }
        }
        try {
            SequenceRecordReader f = new CSVNLinesSequenceRecordReader(steps);
            f.initialize(new FileSplit(features.toFile()));
            SequenceRecordReader l = new CSVNLinesSequenceRecordReader(1);
            l.initialize(new FileSplit(labels.toFile()));
            DataSetIterator it = new SequenceRecordReaderDataSetIterator(f, l, 128, classes, false,
                    SequenceRecordReaderDataSetIterator.AlignmentMode.ALIGN_END);
            List<DataSet> parts = new ArrayList<>();
            while (it.hasNext()) {
                parts.add(it.next());
            }
            DataSet all = DataSet.merge(parts);                        // [N, 1, steps] and [N, classes, steps]
            if (all.getFeatures().size(2) != steps) {
                throw new UserException(features + ": series of " + all.getFeatures().size(2) + " steps, expected " + steps);
            }
            return all;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw new UserException(features + " / " + labels + ": cannot read them as " + steps + "-line series and "
                    + classes + " classes (" + e.getMessage() + ")", e);
        }
    }

    /** A split in two: {@code fraction} of the examples (drawn with {@code seed}) and the rest. */
    public static DataSet[] holdOut(DataSet all, double fraction, long seed) {
        int n = all.numExamples();
        int k = (int) Math.round(n * fraction);
        int[] order = IntStream.range(0, n).toArray();
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new DataSet[] {all.get(Arrays.copyOfRange(order, k, n)), all.get(Arrays.copyOfRange(order, 0, k))};
    }

    /** Standardises both splits with the training split's mean and standard deviation (ND4J's normaliser). */
    public static NormalizerStandardize standardise(DataSet train, DataSet... others) {
        NormalizerStandardize norm = new NormalizerStandardize();
        norm.fit(train);
        norm.transform(train);
        for (DataSet d : others) {
            norm.transform(d);
        }
        return norm;
    }

    /** The training mini-batches: a fresh order each epoch, fixed by (seed, epoch), so --resume sees the same ones. */
    public static Batches batches(DataSet train, int batchSize, long seed) {
        return new ShuffledBatches(train.numExamples(), batchSize, seed, idx -> train.get(idx));
    }
}
