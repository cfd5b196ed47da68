package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetFile;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.data.IdxReader;
import io.github.lstmsuite.common.data.IdxReader.Images;
import io.github.lstmsuite.common.train.Batches;
import io.github.lstmsuite.common.train.ShuffledBatches;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MNIST read row by row: the data pipeline of the app.
 *
 * <p>An image of 28 rows × 28 pixels becomes a sequence of 28 time steps, each step one row of 28
 * pixel values scaled to [0, 1] (what torchvision's {@code ToTensor} does in the article). DL4J's
 * recurrent layers take {@code [batch, features, time]} (NCW), so one mini-batch is
 * {@code [B, 28 (pixels of a row), 28 (rows)]}. PyTorch's {@code batch_first=True} layout of the
 * same data is {@code (B, 28 rows, 28 pixels)}: time and features are swapped.
 */
public final class MnistData {
    /** Rows per image = time steps. */
    public static final int ROWS = 28;
    /** Pixels per row = features per time step. */
    public static final int COLS = 28;
    public static final int CLASSES = 10;
    public static final List<String> LABELS = IntStream.range(0, CLASSES).mapToObj(Integer::toString).toList();

    private static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/");

    // sha256 of the decompressed IDX bytes (see data/mnist/SOURCE.md): the bundled re-compressed copy
    // and the mirrors' original .gz files both verify.
    public static final DatasetFile TRAIN_IMAGES = file("train-images-idx3-ubyte.gz",
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    public static final DatasetFile TRAIN_LABELS = file("train-labels-idx1-ubyte.gz",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
    public static final DatasetFile TEST_IMAGES = file("t10k-images-idx3-ubyte.gz",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    public static final DatasetFile TEST_LABELS = file("t10k-labels-idx1-ubyte.gz",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private static DatasetFile file(String name, String sha256) {
        return new DatasetFile("mnist", name, sha256, MIRRORS.stream().map(m -> m + name).toList());
    }

    /** The printed digits of {@code data/printed-digits} ({@link PrintedDigits}): bundled only, nothing to download. */
    public static final DatasetFile PRINTED_IMAGES = new DatasetFile("printed-digits", "images-idx3-ubyte.gz",
            "7c6aad55f74ceda3e4862d4b6b3d52d34e5d727c2a8164b070697dfa768a3386", List.of());
    public static final DatasetFile PRINTED_LABELS = new DatasetFile("printed-digits", "labels-idx1-ubyte.gz",
            "0b8bbb89e19732088a07330c574a2034f53329eecdccc5238ce76efac48b077e", List.of());

    /**
     * The bundled printed digits, prepared as {@code predict} prepares an image (3,810 images), or {@code null} where
     * the data folder does not hold them (a model used outside this repository).
     */
    public static Split printedDigits(DatasetResolver resolver) {
        try {
            return read(resolver.resolve(PRINTED_IMAGES), resolver.resolve(PRINTED_LABELS));
        } catch (UserException e) {
            return null;
        }
    }

    /** A set of labelled images in memory (pixels 0–255, as in the file). */
    public record Split(Images images, int[] labels) {
        public Split {
            if (images.count() != labels.length) {
                throw new UserException("images and labels disagree: " + images.count() + " images, "
                        + labels.length + " labels");
            }
            if (images.rows() != ROWS || images.cols() != COLS) {
                throw new UserException("expected " + ROWS + "×" + COLS + " images, got " + images.rows() + "×" + images.cols());
            }
        }

        public int size() {
            return labels.length;
        }

        /** Examples {@code [from, to)} (this split itself when that is all of it: no copy). */
        public Split range(int from, int to) {
            if (from == 0 && to == size()) {
                return this;
            }
            int px = ROWS * COLS;
            byte[] p = java.util.Arrays.copyOfRange(images.pixels(), from * px, to * px);
            return new Split(new Images(to - from, ROWS, COLS, p), java.util.Arrays.copyOfRange(labels, from, to));
        }
    }

    /** The three parts a training run uses. {@code validation} is empty when {@code --val-size 0}. */
    public record Splits(Split train, Split validation, Split test, String trainSha256, String testSha256) {
    }

    private MnistData() {
    }

    /**
     * Reads an images file and its labels file. Images of another size than 28×28 (scans, such as the printed digits
     * of {@code render-digits}) are prepared one by one as {@code predict} prepares an image file ({@link DigitImages}).
     */
    public static Split read(Path images, Path labels) {
        Images raw = IdxReader.readImages(images);
        return new Split(raw.rows() == ROWS && raw.cols() == COLS ? raw : prepared(raw), IdxReader.readLabels(labels));
    }

    /**
     * Every image of {@code raw} (greyscale pages of any size) made MNIST-like by {@link DigitImages#prepare}, on every
     * core (Java's common fork-join pool: the images are independent; each goes to its own place in the result).
     */
    static Images prepared(Images raw) {
        int px = raw.rows() * raw.cols();
        byte[] out = new byte[raw.count() * ROWS * COLS];
        java.util.stream.IntStream.range(0, raw.count()).parallel().forEach(i -> {
            java.awt.image.BufferedImage page = new java.awt.image.BufferedImage(raw.cols(), raw.rows(), java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            byte[] pageData = ((java.awt.image.DataBufferByte) page.getRaster().getDataBuffer()).getData();
            System.arraycopy(raw.pixels(), i * px, pageData, 0, px);
            System.arraycopy(DigitImages.prepare(page).pixels(), 0, out, i * ROWS * COLS, ROWS * COLS);
        });
        return new Images(raw.count(), ROWS, COLS, out);
    }

    /**
     * The 60,000 training images (the last {@code valSize} held out for validation, then the first
     * {@code trainSize} of the rest kept) and the first {@code testSize} of the 10,000 test images.
     */
    public static Splits load(DatasetResolver resolver, int trainSize, int valSize, int testSize) {
        Split all = read(resolver.resolve(TRAIN_IMAGES), resolver.resolve(TRAIN_LABELS));
        if (valSize < 0 || valSize >= all.size()) {
            throw new UserException("--val-size must be between 0 and " + (all.size() - 1) + ", got " + valSize);
        }
        int trainEnd = all.size() - valSize;
        Split train = all.range(0, Math.min(trainEnd, trainSize));
        Split validation = all.range(trainEnd, all.size());
        return new Splits(train, validation, loadTest(resolver, testSize), TRAIN_IMAGES.sha256(), TEST_IMAGES.sha256());
    }

    /** The first {@code testSize} of the 10,000 test images. */
    public static Split loadTest(DatasetResolver resolver, int testSize) {
        Split test = read(resolver.resolve(TEST_IMAGES), resolver.resolve(TEST_LABELS));
        return test.range(0, Math.min(test.size(), testSize));
    }

    /**
     * Features of the given examples as {@code [B, 28, 28]} = [batch, features (the 28 pixels of a
     * row), time (the 28 rows)], pixel values scaled to [0, 1].
     */
    public static INDArray features(Images images, int[] idx) {
        float[] buf = new float[idx.length * COLS * ROWS];
        for (int b = 0; b < idx.length; b++) {
            for (int row = 0; row < ROWS; row++) {          // time step t = row
                for (int col = 0; col < COLS; col++) {      // feature c = pixel column
                    buf[(b * COLS + col) * ROWS + row] = images.pixel(idx[b], row, col) / 255f;
                }
            }
        }
        INDArray x = Nd4j.create(buf, new long[] {idx.length, COLS, ROWS}, 'c');   // [B, 28, 28] NCW
        return x;
    }

    /** One-hot labels {@code [B, 10]}. */
    public static INDArray oneHot(int[] labels, int[] idx) {
        float[] buf = new float[idx.length * CLASSES];
        for (int b = 0; b < idx.length; b++) {
            buf[b * CLASSES + labels[idx[b]]] = 1f;
        }
        return Nd4j.create(buf, new long[] {idx.length, CLASSES}, 'c');
    }

    /** Mini-batch of the given examples: features {@code [B, 28, 28]}, labels {@code [B, 10]}. */
    public static DataSet batch(Split split, int[] idx) {
        return new DataSet(features(split.images(), idx), oneHot(split.labels(), idx));
    }

    /** Shuffled training batches, a new order each epoch drawn from {@code seed + epoch}. */
    public static Batches trainingBatches(Split train, int batchSize, long seed) {
        return trainingBatches(train, batchSize, seed, false);
    }

    /** Shuffled training batches, each image drawn anew by {@link DigitAugment} when {@code augment} is on. */
    public static Batches trainingBatches(Split train, int batchSize, long seed, boolean augment) {
        return new ShuffledBatches(train.size(), batchSize, seed,
                idx -> augment ? new DataSet(augmentedFeatures(train.images(), idx, seed), oneHot(train.labels(), idx)) : batch(train, idx));
    }

    /** {@link #features} of the given examples, each under its own random map of {@link DigitAugment}. */
    static INDArray augmentedFeatures(Images images, int[] idx, long seed) {
        java.util.SplittableRandom rnd = DigitAugment.stream(seed, idx);
        float[] buf = new float[idx.length * COLS * ROWS];
        float[] img = new float[ROWS * COLS];
        for (int b = 0; b < idx.length; b++) {
            for (int p = 0; p < ROWS * COLS; p++) {
                img[p] = images.pixel(idx[b], p / COLS, p % COLS);
            }
            float[] a = DigitAugment.apply(img, rnd);
            for (int row = 0; row < ROWS; row++) {
                for (int col = 0; col < COLS; col++) {
                    buf[(b * COLS + col) * ROWS + row] = Math.min(255f, a[row * COLS + col]) / 255f;
                }
            }
        }
        return Nd4j.create(buf, new long[] {idx.length, COLS, ROWS}, 'c');   // [B, 28, 28] NCW
    }

    /** Examples {@code [from, to)} of a split as one batch, in file order. */
    public static DataSet slice(Split split, int from, int to) {
        return batch(split, IntStream.range(from, to).toArray());
    }
}
