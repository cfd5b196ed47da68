package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.train.ModelZip;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained MNIST model ({@code model.zip} from {@code ./lstm mnist}) as a Java object: load it once,
 * classify many images. What another program calls; {@code ./lstm mnist predict} is built on the same steps.
 *
 * <pre>{@code
 * DigitClassifier model = DigitClassifier.load(Path.of("runs/mnist/20261202-101010/model.zip"));
 * DigitClassifier.Classification c = model.classify(Path.of("my-digit.png"));
 * System.out.println(c.digit() + " with probability " + c.probability());
 * }</pre>
 *
 * <p>Needs on the class path: this module ({@code io.github.lstmsuite:mnist-classifier}) and the suite's
 * {@code io.github.lstmsuite:common} (the model's configuration names its layer classes, e.g.
 * {@code io.github.lstmsuite.layers.FastLstm}), with their dependencies (DL4J, ND4J's natives).
 * Not thread-safe: one instance per thread.
 */
public final class DigitClassifier {
    private final MultiLayerNetwork net;
    private final Path source;

    private DigitClassifier(MultiLayerNetwork net, Path source) {
        this.net = net;
        this.source = source;
    }

    /**
     * Loads a model file made by {@code ./lstm mnist}. A file of another app, a plain DL4J zip, a damaged
     * or unsafe file is a {@link UserException} with a one-line message naming the file.
     */
    public static DigitClassifier load(Path modelZip) {
        ModelZip.requireApp(modelZip, MnistApp.APP);
        return new DigitClassifier(ModelZip.loadMultiLayer(modelZip, false), modelZip);
    }

    /** The network itself (DL4J's {@link MultiLayerNetwork}: input {@code [batch, 28 pixels, 28 rows]}, output {@code [batch, 10]}). */
    public MultiLayerNetwork network() {
        return net;
    }

    /** The file this model was loaded from. */
    public Path source() {
        return source;
    }

    /**
     * One classification: the likeliest digit and the probabilities of all ten.
     *
     * @param probabilities {@code probabilities[d]} = P(digit d), summing to 1
     */
    public record Classification(int digit, double[] probabilities) {
        /** P(the predicted digit). */
        public double probability() {
            return probabilities[digit];
        }

        /** The {@code k} likeliest digits, likeliest first. */
        public int[] top(int k) {
            return IntStream.range(0, probabilities.length).boxed()
                    .sorted((a, b) -> Double.compare(probabilities[b], probabilities[a]))
                    .limit(k).mapToInt(Integer::intValue).toArray();
        }

        @Override
        public String toString() {
            return String.format("%d (p %.3f)", digit, probability());
        }
    }

    /**
     * Classifies a 28×28 image given as {@code pixels[row][column]} with MNIST's convention: 0 = background,
     * 1 = ink (white digit on black). No preprocessing is applied.
     */
    public Classification classify(float[][] pixels) {
        return classify(java.util.List.<float[][]>of(pixels)).get(0);
    }

    /**
     * Classifies a picture of a digit of any size (PNG, JPEG, GIF, BMP): made MNIST-like first — greyscale,
     * inverted if the background is light, cropped to the ink, scaled to 20 px and centred by mass.
     */
    public Classification classify(Path image) {
        return classifyPrepared(DigitImages.read(image).pixels());
    }

    /** As {@link #classify(Path)}, for an image already in memory. */
    public Classification classify(BufferedImage image) {
        return classifyPrepared(DigitImages.prepare(image).pixels());
    }

    private Classification classifyPrepared(byte[] pixels) {
        return classify(pixelsOf(pixels));
    }

    /**
     * The 28×28 pixels {@link #classify(BufferedImage)} reads: the picture made MNIST-like (greyscale, inverted if
     * the background is light, cropped to the ink, scaled to 20 px and centred by mass), values 0…1.
     */
    public static float[][] prepare(BufferedImage image) {
        return pixelsOf(DigitImages.prepare(image).pixels());
    }

    private static float[][] pixelsOf(byte[] pixels) {
        float[][] p = new float[MnistData.ROWS][MnistData.COLS];
        for (int i = 0; i < pixels.length; i++) {
            p[i / MnistData.COLS][i % MnistData.COLS] = (pixels[i] & 0xff) / 255f;
        }
        return p;
    }

    /**
     * Classifies many 28×28 images in one forward pass (what a server does with the requests that wait together):
     * the same results as {@link #classify(float[][])} one by one, in input order.
     */
    public java.util.List<Classification> classify(java.util.List<float[][]> images) {
        int n = images.size();
        float[] buf = new float[n * MnistData.COLS * MnistData.ROWS];
        for (int i = 0; i < n; i++) {
            float[][] pixels = images.get(i);
            if (pixels.length != MnistData.ROWS || Arrays.stream(pixels).anyMatch(r -> r == null || r.length != MnistData.COLS)) {
                throw new IllegalArgumentException((n > 1 ? "image " + i + ": " : "") + "expected 28 rows of 28 pixels");
            }
            int base = i * MnistData.COLS * MnistData.ROWS;
            for (int row = 0; row < MnistData.ROWS; row++) {
                for (int col = 0; col < MnistData.COLS; col++) {
                    buf[base + col * MnistData.ROWS + row] = pixels[row][col];
                }
            }
        }
        double[][] probs;
        try (INDArray x = Nd4j.create(buf, new long[] {n, MnistData.COLS, MnistData.ROWS}, 'c');  // [n, 28 px, 28 rows]: time step = row
             INDArray out = net.output(x, false)) {                                                // [n, 10]
            probs = rows(out);
        }
        java.util.List<Classification> result = new java.util.ArrayList<>(n);
        for (double[] p : probs) {
            result.add(classification(p));
        }
        return result;
    }

    /**
     * The rows of a network's {@code [n, k]} output, copied out of native memory at once. (ND4J's {@code getRow} per
     * row, and its {@code toFloatMatrix}, which does the same, make a view and a copy of every row: at batch 64 that
     * took three times the forward pass itself.)
     */
    static double[][] rows(INDArray out) {
        int n = (int) out.rows(), k = (int) out.columns();
        float[] flat;
        if (out.ordering() == 'c' && !out.isView() && out.data().length() == out.length()) {
            flat = out.data().asFloat();
        } else {
            try (INDArray rowMajor = out.dup('c')) {
                flat = rowMajor.data().asFloat();
            }
        }
        double[][] rows = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                rows[i][j] = flat[i * k + j];
            }
        }
        return rows;
    }

    /** A second instance on a copy of the network, for another thread. */
    public DigitClassifier copy() {
        return new DigitClassifier(net.clone(), source);
    }

    /** The likeliest digit of {@code probs} (the first, in a tie) with all the probabilities. */
    static Classification classification(double[] probs) {
        int best = 0;
        for (int d = 1; d < probs.length; d++) {
            if (probs[d] > probs[best]) {
                best = d;
            }
        }
        return new Classification(best, probs);
    }
}
