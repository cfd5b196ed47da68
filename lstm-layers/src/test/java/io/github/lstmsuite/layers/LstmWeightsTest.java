package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PyTorch/TensorFlow ↔ DL4J weight mapping, checked by running the same sequence through both conventions. */
class LstmWeightsTest {
    private static final int I = 3, H = 4, T = 6;
    private final Random rnd = new Random(17);

    private double[][] randn(int r, int c) {
        double[][] m = new double[r][c];
        for (double[] row : m) {
            for (int k = 0; k < c; k++) {
                row[k] = rnd.nextGaussian() * 0.5;
            }
        }
        return m;
    }

    private static MultiLayerNetwork dl4jLstm(LstmImpl impl, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(type).list()
                .layer(impl.build(new LSTM.Builder().nIn(I).nOut(H).activation(Activation.TANH)))
                .setInputType(InputType.recurrent(I, T, RNNFormat.NCW)).build());
        net.init();
        return net;
    }

    /** h at every step from the plain PyTorch-convention reference: [T][H]. */
    private static double[][] reference(double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[][] xs) {
        double[] h = new double[H];
        double[] c = new double[H];
        double[][] out = new double[xs.length][];
        for (int t = 0; t < xs.length; t++) {
            LstmCellMath.Step s = LstmCellMath.step(wIh, wHh, bIh, bHh, xs[t], h, c);
            h = s.h();
            c = s.c();
            out[t] = h;
        }
        return out;
    }

    private static void assertSameOutputs(double[][] expected, INDArray out, double tol) {
        for (int t = 0; t < T; t++) {
            for (int u = 0; u < H; u++) {
                assertEquals(expected[t][u], out.getDouble(0, u, t), tol, "t=" + t + " unit " + u);
            }
        }
    }

    private static INDArray input(double[][] xs) {
        INDArray x = Nd4j.create(DataType.DOUBLE, 1, I, T);          // DL4J: [batch, features, time]
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < I; k++) {
                x.putScalar(0, k, t, xs[t][k]);
            }
        }
        return x;
    }

    @Test
    void pytorchWeightsGiveTheSameOutputsInDl4jAndRoundTrip() {
        double[][] wIh = randn(4 * H, I);
        double[][] wHh = randn(4 * H, H);
        double[] bIh = randn(1, 4 * H)[0];
        double[] bHh = randn(1, 4 * H)[0];
        double[][] xs = randn(T, I);
        LstmWeights.Torch torch = new LstmWeights.Torch(Nd4j.create(wIh), Nd4j.create(wHh), Nd4j.create(bIh), Nd4j.create(bHh));
        LstmWeights.Dl4j mapped = LstmWeights.fromTorch(torch);
        double[][] expected = reference(wIh, wHh, bIh, bHh, xs);

        MultiLayerNetwork dl4j = dl4jLstm(LstmImpl.dl4j, DataType.DOUBLE);
        LstmWeights.set(dl4j, 0, mapped);
        assertSameOutputs(expected, dl4j.output(input(xs)), 1e-12);
        MultiLayerNetwork fast = dl4jLstm(LstmImpl.fast, DataType.FLOAT);
        LstmWeights.set(fast, 0, mapped);
        assertSameOutputs(expected, fast.output(input(xs).castTo(DataType.FLOAT)), 2e-6);

        // back to PyTorch: the weights exactly, the bias as the sum
        LstmWeights.Torch back = LstmWeights.toTorch(LstmWeights.get(dl4j, 0));
        assertEquals(torch.weightIh(), back.weightIh());
        assertEquals(torch.weightHh(), back.weightHh());
        assertEquals(0, torch.biasIh().add(torch.biasHh()).sub(back.biasIh().add(back.biasHh())).amaxNumber().doubleValue(), 1e-15);
        // and forward again: identical DL4J parameters
        LstmWeights.Dl4j again = LstmWeights.fromTorch(back);
        assertEquals(mapped.w(), again.w());
        assertEquals(mapped.rw(), again.rw());
        assertEquals(0, mapped.b().sub(again.b()).amaxNumber().doubleValue(), 1e-15);
    }

    @Test
    void tensorflowKernelWithForgetBias() {
        double[][] kernel = randn(I + H, 4 * H);        // [x; h] rows, gate columns i, j, f, o
        double[] bias = randn(1, 4 * H)[0];
        double forgetBias = 1.0;
        double[][] xs = randn(T, I);
        // TensorFlow's BasicLSTMCell, written out
        double[] h = new double[H];
        double[] c = new double[H];
        double[][] expected = new double[T][];
        for (int t = 0; t < T; t++) {
            double[] z = new double[4 * H];
            for (int col = 0; col < 4 * H; col++) {
                double s = bias[col];
                for (int k = 0; k < I; k++) {
                    s += xs[t][k] * kernel[k][col];
                }
                for (int k = 0; k < H; k++) {
                    s += h[k] * kernel[I + k][col];
                }
                z[col] = s;
            }
            double[] h2 = new double[H];
            for (int u = 0; u < H; u++) {
                c[u] = c[u] * LstmCellMath.sigmoid(z[2 * H + u] + forgetBias) + LstmCellMath.sigmoid(z[u]) * Math.tanh(z[H + u]);
                h2[u] = Math.tanh(c[u]) * LstmCellMath.sigmoid(z[3 * H + u]);
            }
            h = h2;
            expected[t] = h2;
        }
        MultiLayerNetwork dl4j = dl4jLstm(LstmImpl.dl4j, DataType.DOUBLE);
        LstmWeights.set(dl4j, 0, LstmWeights.fromTensorFlow(Nd4j.create(kernel), Nd4j.create(bias), forgetBias));
        assertSameOutputs(expected, dl4j.output(input(xs)), 1e-12);
    }

    @Test
    void wrongShapesAreRefused() {
        LstmWeights.Torch bad = new LstmWeights.Torch(Nd4j.zeros(4, 3), Nd4j.zeros(8, 2), Nd4j.zeros(8), Nd4j.zeros(8));
        assertThrows(IllegalArgumentException.class, () -> LstmWeights.fromTorch(bad));
        assertThrows(IllegalArgumentException.class, () -> LstmCellMath.step(new double[4][3], new double[4][2],
                new double[4], new double[4], new double[3], new double[2], new double[2]));
    }
}
