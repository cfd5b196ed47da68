package io.github.lstmsuite.basics;

import io.github.lstmsuite.layers.LstmCellMath;
import io.github.lstmsuite.layers.LstmWeights;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Lesson 2, “LSTM use cases and a PyTorch example”, “Recurrent neural networks, chapter 5”, “LSTM principles, a digest”: one LSTM step computed three ways — plain Java doubles from the gate
 * equations, ND4J array operations, and DL4J's own {@code LSTM} layer — on “Recurrent neural networks, chapter 5”'s numbers.
 *
 * <p>The example of “Recurrent neural networks, chapter 5” is inconsistent: with hidden_size 2 the four gates need {@code 4·2 = 8} rows of
 * {@code W_ih} (and of {@code W_hh}, and 8 biases), but it gives 4 rows, one per gate. Its
 * {@code gates = W_ih·x + b_ih + W_hh·h + b_hh} is then a vector of 4, {@code gates[4:6]} and
 * {@code gates[6:8]} are empty, and {@code f_gate * C_prev} fails on shapes (2,) and (0,) — NumPy raises
 * "operands could not be broadcast together". The consistent version below keeps the article's numbers as
 * the first unit of every gate and gives the second unit the same row reversed (and the same bias):
 *
 * <pre>
 *   W_ih [8, 3]  rows i1 i2 f1 f2 g1 g2 o1 o2     W_hh [8, 2]     b_ih, b_hh [8]
 * </pre>
 */
public final class CellLesson {
    /** The article's numbers: input 3, hidden 2. */
    static final double[] X = {0.5, -0.2, 0.1}, H_PREV = {0.3, -0.4}, C_PREV = {0.8, -0.6};
    static final double[][] SEED_W_IH = {{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}, {0.7, 0.8, 0.9}, {1.0, 1.1, 1.2}};
    static final double[][] SEED_W_HH = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}, {0.7, 0.8}};
    static final double[] SEED_B_IH = {0.01, 0.02, 0.03, 0.04}, SEED_B_HH = {0.05, 0.06, 0.07, 0.08};

    private CellLesson() {
    }

    /** The three answers and the largest difference between them. */
    public record Result(LstmCellMath.Step plain, double[] nd4jH, double[] nd4jC, double[] dl4jH, double[] dl4jC,
                         double maxDifference, String seedError) {
    }

    /** The consistent weights: per gate, the article's row for unit 1 and the row reversed for unit 2. */
    static double[][] twoUnits(double[][] seedRows) {
        double[][] m = new double[8][];
        for (int gate = 0; gate < 4; gate++) {
            m[2 * gate] = seedRows[gate].clone();
            double[] rev = seedRows[gate].clone();
            for (int k = 0; k < rev.length / 2; k++) {
                double t = rev[k];
                rev[k] = rev[rev.length - 1 - k];
                rev[rev.length - 1 - k] = t;
            }
            m[2 * gate + 1] = rev;
        }
        return m;
    }

    static double[] twoUnits(double[] seedBias) {
        double[] b = new double[8];
        for (int gate = 0; gate < 4; gate++) {
            b[2 * gate] = seedBias[gate];
            b[2 * gate + 1] = seedBias[gate];
        }
        return b;
    }

    public static Result run(PrintStream out) {
        // ---- the seed as written: 4 rows for hidden size 2
        String seedError;
        try {
            LstmCellMath.step(SEED_W_IH, SEED_W_HH, SEED_B_IH, SEED_B_HH, X, H_PREV, C_PREV);
            seedError = null;
        } catch (IllegalArgumentException e) {
            seedError = e.getMessage();
        }
        out.println("the article's weights as written: " + seedError);
        out.println("  (in NumPy, gates has 4 values, gates[4:6] and gates[6:8] are empty, and f_gate * C_prev fails to broadcast)");
        out.println("consistent version: W_ih [8, 3], W_hh [8, 2], b [8]; unit 1 of each gate = the article's row, unit 2 = that row reversed");

        double[][] wIh = twoUnits(SEED_W_IH);
        double[][] wHh = twoUnits(SEED_W_HH);
        double[] bIh = twoUnits(SEED_B_IH);
        double[] bHh = twoUnits(SEED_B_HH);
        // the rows are per unit (i1 i2 f1 f2 …): exactly PyTorch's layout for hidden 2 (i block = rows 0..1, …)

        // ---- 1. plain Java doubles
        LstmCellMath.Step p = LstmCellMath.step(wIh, wHh, bIh, bHh, X, H_PREV, C_PREV);
        out.println("\n1. plain Java (LstmCellMath):");
        out.println("   gates before activation " + fmt(p.preactivations()));
        out.println("   input gate  i = σ(·)     " + fmt(p.i()));
        out.println("   forget gate f = σ(·)     " + fmt(p.f()));
        out.println("   candidate   g = tanh(·)  " + fmt(p.g()));
        out.println("   output gate o = σ(·)     " + fmt(p.o()));
        out.println("   c_t = f⊙c + i⊙g          " + fmt(p.c()));
        out.println("   h_t = o⊙tanh(c_t)        " + fmt(p.h()));

        // ---- 2. ND4J: the same equations on arrays
        INDArray x = Nd4j.create(X);
        INDArray h = Nd4j.create(H_PREV);
        INDArray c = Nd4j.create(C_PREV);
        INDArray gates = Nd4j.create(wIh).mmul(x).add(Nd4j.create(bIh)).add(Nd4j.create(wHh).mmul(h)).add(Nd4j.create(bHh));
        INDArray i = Transforms.sigmoid(gates.get(NDArrayIndex.interval(0, 2)));
        INDArray f = Transforms.sigmoid(gates.get(NDArrayIndex.interval(2, 4)));
        INDArray g = Transforms.tanh(gates.get(NDArrayIndex.interval(4, 6)));
        INDArray o = Transforms.sigmoid(gates.get(NDArrayIndex.interval(6, 8)));
        INDArray c2 = f.mul(c).add(i.mul(g));
        INDArray h2 = o.mul(Transforms.tanh(c2));
        out.println("\n2. ND4J (mmul, sigmoid, tanh):  c_t " + fmt(c2.toDoubleVector()) + "  h_t " + fmt(h2.toDoubleVector()));

        // ---- 3. DL4J's LSTM layer with the weights mapped (transposed, gates reordered to g, f, o, i, biases summed)
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new LSTM.Builder().nIn(3).nOut(2).activation(Activation.TANH).build())
                .setInputType(InputType.recurrent(3, 1, RNNFormat.NCW)).build());
        net.init();
        LstmWeights.set(net, 0, LstmWeights.fromTorch(new LstmWeights.Torch(Nd4j.create(wIh), Nd4j.create(wHh),
                Nd4j.create(bIh), Nd4j.create(bHh))));
        net.rnnSetPreviousState(0, Map.of(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION, Nd4j.create(new double[][] {H_PREV}),
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL, Nd4j.create(new double[][] {C_PREV})));
        INDArray y = net.rnnTimeStep(Nd4j.create(X, new long[] {1, 3, 1}, 'c'));       // [batch 1, features 3, time 1]
        double[] dh = y.reshape(2).toDoubleVector();
        double[] dc = net.rnnGetPreviousState(0).get(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL).reshape(2).toDoubleVector();
        out.println("3. DL4J LSTM layer (rnnTimeStep from h, c):  c_t " + fmt(dc) + "  h_t " + fmt(dh));

        double max = 0;
        for (int u = 0; u < 2; u++) {
            max = Math.max(max, Math.abs(p.h()[u] - h2.getDouble(u)));
            max = Math.max(max, Math.abs(p.c()[u] - c2.getDouble(u)));
            max = Math.max(max, Math.abs(p.h()[u] - dh[u]));
            max = Math.max(max, Math.abs(p.c()[u] - dc[u]));
        }
        out.printf("%nlargest difference between the three: %.1e (agreement to 1e-6 required)%n", max);
        return new Result(p, h2.toDoubleVector(), c2.toDoubleVector(), dh, dc, max, seedError);
    }

    static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < v.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.6f", v[k]));
        }
        return sb.append(']').toString();
    }

    static String shape(long[] s) {
        return Arrays.toString(s);
    }
}
