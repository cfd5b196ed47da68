package io.github.lstmsuite.basics;

import io.github.lstmsuite.layers.LstmCellMath;
import io.github.lstmsuite.layers.LstmWeights;
import java.io.PrintStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lesson 3: PyTorch ↔ DL4J parameters ({@link LstmWeights} in {@code common}): random PyTorch weights
 * for {@code nn.LSTM(5, 4)}, mapped into a DL4J layer, give the same outputs as PyTorch's equations on a
 * sequence; mapped back, the same weights.
 */
public final class WeightsLesson {
    static final int I = 5, H = 4, T = 7;

    private WeightsLesson() {
    }

    /** Largest output difference (PyTorch equations vs DL4J) and largest round-trip difference. */
    public record Result(double maxOutputDifference, double maxRoundTripDifference, long[] w, long[] rw, long[] b) {
    }

    public static Result run(PrintStream out) {
        out.println("""
                one layer, input I, hidden H        PyTorch nn.LSTM            DL4J LSTM
                  input weights                     weight_ih_l0 [4H, I]        W  [I, 4H]   (transposed: DL4J computes x·W)
                  recurrent weights                 weight_hh_l0 [4H, H]        RW [H, 4H]
                  bias                              bias_ih_l0 + bias_hh_l0     b  [4H]      (one vector: the sum)
                  gate order along 4H               i, f, g, o                  g, f, o, i
                TensorFlow's BasicLSTMCell: kernel [I+H, 4H], bias [4H], gates i, j(=g), f, o, and forget_bias = 1
                added to f when it runs (“LSTM principles, a digest”): LstmWeights.fromTensorFlow folds it into DL4J's f bias. DL4J's own
                LSTM starts its f bias at forgetGateBiasInit = 1.0 for the same reason: remember by default.
                """);
        java.util.Random rnd = new java.util.Random(3);
        double[][] wIh = gaussian(rnd, 4 * H, I);
        double[][] wHh = gaussian(rnd, 4 * H, H);
        double[] bIh = gaussian(rnd, 1, 4 * H)[0];
        double[] bHh = gaussian(rnd, 1, 4 * H)[0];
        double[][] xs = gaussian(rnd, T, I);
        LstmWeights.Torch torch = new LstmWeights.Torch(Nd4j.create(wIh), Nd4j.create(wHh), Nd4j.create(bIh), Nd4j.create(bHh));
        LstmWeights.Dl4j d = LstmWeights.fromTorch(torch);

        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new LSTM.Builder().nIn(I).nOut(H).activation(Activation.TANH).build())
                .setInputType(InputType.recurrent(I, T, RNNFormat.NCW)).build());
        net.init();
        LstmWeights.set(net, 0, d);
        INDArray x = Nd4j.create(DataType.DOUBLE, 1, I, T);                  // [batch, features, time]
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < I; k++) {
                x.putScalar(0, k, t, xs[t][k]);
            }
        }
        INDArray y = net.output(x);                                           // [1, H, T]
        double[] h = new double[H];
        double[] c = new double[H];
        double maxOut = 0;
        for (int t = 0; t < T; t++) {
            LstmCellMath.Step s = LstmCellMath.step(wIh, wHh, bIh, bHh, xs[t], h, c);
            h = s.h();
            c = s.c();
            for (int u = 0; u < H; u++) {
                maxOut = Math.max(maxOut, Math.abs(h[u] - y.getDouble(0, u, t)));
            }
        }
        LstmWeights.Torch back = LstmWeights.toTorch(LstmWeights.get(net, 0));
        double maxBack = Math.max(back.weightIh().sub(torch.weightIh()).amaxNumber().doubleValue(),
                back.weightHh().sub(torch.weightHh()).amaxNumber().doubleValue());
        maxBack = Math.max(maxBack, back.biasIh().add(back.biasHh()).sub(torch.biasIh().add(torch.biasHh())).amaxNumber().doubleValue());
        out.printf("random nn.LSTM(%d, %d) weights → DL4J: W %s, RW %s, b %s%n", I, H, CellLesson.shape(d.w().shape()),
                CellLesson.shape(d.rw().shape()), CellLesson.shape(d.b().shape()));
        out.printf("outputs over %d steps, PyTorch's equations vs the DL4J layer: largest difference %.1e%n", T, maxOut);
        out.printf("DL4J → PyTorch again: largest weight difference %.1e (bias compared as b_ih + b_hh)%n", maxBack);
        return new Result(maxOut, maxBack, d.w().shape(), d.rw().shape(), d.b().shape());
    }

    static double[][] gaussian(java.util.Random rnd, int r, int c) {
        double[][] m = new double[r][c];
        for (double[] row : m) {
            for (int k = 0; k < c; k++) {
                row[k] = rnd.nextGaussian() * 0.5;
            }
        }
        return m;
    }
}
