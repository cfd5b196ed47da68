package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.train.Batches;
import io.github.lstmsuite.common.train.ShuffledBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data: a series from a CSV file ({@code time,value} with a header line) read with DataVec's
 * {@link CSVRecordReader}, and the training windows cut from it.
 *
 * <p>What the network sees, per forecast origin {@code o} (the last known value): the {@code window} values
 * up to {@code o} and the {@code h} values after it, all as {@code log(y) − log(y[o])} — the change from the
 * last value, in log units. Level and trend are gone from the inputs; the network learns the shape of the
 * year. Bundled: monthly airline passengers 1949–1960 (Box &amp; Jenkins), 144 values.
 */
public final class Data {
    private Data() {
    }

    /** A series: its time labels (e.g. "1949-01") and values. */
    public record Series(String name, String[] times, double[] values) {
        public int length() {
            return values.length;
        }
    }

    /** Reads {@code file}: a header line, then {@code time,value} rows (DataVec's CSV reader). */
    public static Series read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        List<String> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        try (RecordReader reader = new CSVRecordReader(1, ',')) {          // skip the header line
            reader.initialize(new FileSplit(file.toFile()));
            int line = 1;
            while (reader.hasNext()) {
                List<Writable> row = reader.next();
                line++;
                if (row.size() < 2) {
                    throw new UserException(file + ": line " + line + " has " + row.size() + " column(s), expected time,value");
                }
                double v;
                try {
                    v = row.get(1).toDouble();
                } catch (NumberFormatException e) {
                    throw new UserException(file + ": line " + line + ": '" + row.get(1) + "' is not a number");
                }
                if (!(v > 0)) {
                    throw new UserException(file + ": line " + line + ": " + v + " — this model works on log values, so every value must be positive");
                }
                times.add(row.get(0).toString());
                values.add(v);
            }
        } catch (UserException e) {
            throw e;
        } catch (Exception e) {
            throw new UserException(file + ": cannot read it as CSV (" + e.getMessage() + ")", e);
        }
        return new Series(file.getFileName().toString(), times.toArray(String[]::new),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The inputs of origin {@code o}: {@code [window]} changes from {@code y[o]}, oldest first. */
    static float[] window(double[] y, int o, int window) {
        float[] x = new float[window];
        for (int i = 0; i < window; i++) {
            x[i] = (float) (Math.log(y[o - window + 1 + i]) - Math.log(y[o]));
        }
        return x;
    }

    /** Inputs {@code [N, 1, window]} (one feature per step) for the given origins. */
    static org.nd4j.linalg.api.ndarray.INDArray features(double[] y, int[] origins, int window) {
        float[] buf = new float[origins.length * window];
        for (int i = 0; i < origins.length; i++) {
            System.arraycopy(window(y, origins[i], window), 0, buf, i * window, window);
        }
        return Nd4j.create(buf, new long[] {origins.length, 1, window}, 'c');
    }

    /** Targets {@code [N, h]}: the next h values as changes from {@code y[o]}. */
    static org.nd4j.linalg.api.ndarray.INDArray targets(double[] y, int[] origins, int h) {
        float[] buf = new float[origins.length * h];
        for (int i = 0; i < origins.length; i++) {
            for (int k = 0; k < h; k++) {
                buf[i * h + k] = (float) (Math.log(y[origins[i] + 1 + k]) - Math.log(y[origins[i]]));
            }
        }
        return Nd4j.create(buf, new long[] {origins.length, h}, 'c');
    }

    /** Origins {@code from..to} inclusive. */
    static int[] origins(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).toArray();
    }

    /**
     * The training windows: every origin whose window and targets lie before {@code trainEnd} (rows
     * {@code 0..trainEnd−1}), in a fresh order each epoch fixed by (seed, epoch).
     */
    public static Batches batches(double[] y, int trainEnd, int window, int h, int batchSize, long seed) {
        int[] origins = origins(window - 1, trainEnd - 1 - h);
        if (origins.length < 1) {
            throw new UserException("the training part (" + trainEnd + " values) is too short for --window " + window
                    + " and --horizon " + h);
        }
        return new ShuffledBatches(origins.length, batchSize, seed, idx -> {
            int[] o = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                o[i] = origins[idx[i]];
            }
            return new DataSet(features(y, o, window), targets(y, o, h));
        });
    }
}
