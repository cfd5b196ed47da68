package io.github.lstmsuite.basics;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lesson 1, “LSTM input and output”: the parameters and the input/output shapes of PyTorch's {@code nn.LSTM}, and the
 * same network in DL4J, run on the article's own example: input {@code (5, 3, 10)} (5 steps, batch 3,
 * 10 features), {@code nn.LSTM(10, 20, 2)}, {@code h0/c0 (2, 3, 20)}.
 *
 * <pre>
 *   PyTorch nn.LSTM(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)
 *   DL4J    one LSTM layer per PyTorch layer: LSTM.Builder().nIn(input_size).nOut(hidden_size)
 *           num_layers      → stack that many LSTM layers (nIn of the 2nd = hidden_size)
 *           bias=False      → .hasBias(false)
 *           batch_first     → RNNFormat: NCW [batch, features, time] (default) or NWC [batch, time, features];
 *                             PyTorch's default (seq, batch, feature) has no DL4J equivalent: permute
 *           dropout=p       → .dropOut(1 − p) on the layers after the first (DL4J takes the RETAIN probability)
 *           bidirectional   → new Bidirectional(Mode.CONCAT, lstm): output 2·hidden_size (also ADD, MUL, AVERAGE)
 *           (h0, c0)        → net.rnnSetPreviousState(layer, {prevAct: h0[layer], prevMemCell: c0[layer]})
 *           (h_n, c_n)      → net.rnnGetPreviousState(layer) after net.rnnTimeStep(x)
 * </pre>
 */
public final class ShapesLesson {
    static final int SEQ = 5, BATCH = 3, INPUT = 10, HIDDEN = 20, LAYERS = 2;

    private ShapesLesson() {
    }

    /** The shapes the lesson measured, and the checks it made. */
    public record Result(long[] pytorchInput, long[] dl4jInput, long[] output, long[] hN, long[] cN,
                         boolean lastOutputIsHn, boolean initialStateMatters, boolean chunkedEqualsWhole,
                         long[] bidirectionalOutput, long dl4jParams, long pytorchParams, long bidirectionalParams) {
    }

    /** The seed's network in DL4J: two stacked LSTM layers, 10 → 20 → 20, float64 so the checks are exact. */
    static MultiLayerNetwork stacked(boolean bidirectional) {
        var list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list();
        for (int l = 0; l < LAYERS; l++) {
            int nIn = l == 0 ? INPUT : (bidirectional ? 2 * HIDDEN : HIDDEN);
            LSTM lstm = new LSTM.Builder().nIn(nIn).nOut(HIDDEN).activation(Activation.TANH).build();
            list.layer(bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, lstm) : lstm);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.recurrent(INPUT, SEQ, RNNFormat.NCW)).build());
        net.init();
        return net;
    }

    public static Result run(PrintStream out) {
        // ---- the input: PyTorch's (seq_len, batch, input_size) = (5, 3, 10) …
        INDArray torchInput = Nd4j.rand(DataType.DOUBLE, SEQ, BATCH, INPUT);
        // … is DL4J's [batch, features, time] = [3, 10, 5]: the same numbers, axes permuted
        INDArray x = torchInput.permute(1, 2, 0).dup('c');
        out.println("input   PyTorch (seq_len, batch, input_size) " + Arrays.toString(torchInput.shape())
                + "  →  DL4J NCW [batch, features, time] " + Arrays.toString(x.shape()) + "   x.permute(1, 2, 0)");

        MultiLayerNetwork net = stacked(false);
        // ---- h0, c0: PyTorch (num_layers·num_directions, batch, hidden) = (2, 3, 20); DL4J: one [3, 20] per layer
        INDArray h0 = Nd4j.rand(DataType.DOUBLE, LAYERS, BATCH, HIDDEN).subi(0.5);
        INDArray c0 = Nd4j.rand(DataType.DOUBLE, LAYERS, BATCH, HIDDEN).subi(0.5);
        setState(net, h0, c0);
        INDArray output = net.rnnTimeStep(x);                        // [3, 20, 5]: the last layer's h at every step
        INDArray hN = Nd4j.create(DataType.DOUBLE, LAYERS, BATCH, HIDDEN);
        INDArray cN = Nd4j.create(DataType.DOUBLE, LAYERS, BATCH, HIDDEN);
        for (int l = 0; l < LAYERS; l++) {
            Map<String, INDArray> s = net.rnnGetPreviousState(l);
            hN.get(NDArrayIndex.point(l), NDArrayIndex.all(), NDArrayIndex.all()).assign(s.get(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION));
            cN.get(NDArrayIndex.point(l), NDArrayIndex.all(), NDArrayIndex.all()).assign(s.get(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL));
        }
        out.println("output  DL4J " + Arrays.toString(output.shape()) + " = [batch, hidden, time]   (PyTorch output "
                + Arrays.toString(new long[] {SEQ, BATCH, HIDDEN}) + " = (seq_len, batch, num_directions·hidden))");
        out.println("h_n     " + Arrays.toString(hN.shape()) + " (num_layers, batch, hidden): rnnGetPreviousState(l).get(\""
                + org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION + "\") for l = 0, 1");
        out.println("c_n     " + Arrays.toString(cN.shape()) + ": rnnGetPreviousState(l).get(\"" + org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL + "\")");

        // ---- checks: the last step of the output is the top layer's h_n
        INDArray lastStep = output.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(SEQ - 1));
        boolean lastIsHn = lastStep.equalsWithEps(hN.get(NDArrayIndex.point(LAYERS - 1), NDArrayIndex.all(), NDArrayIndex.all()), 1e-12);
        out.println("check   output[:, :, -1] == h_n[-1] (the last step of the top layer): " + lastIsHn);
        // h0/c0 change the output (a zero state is the default, as in PyTorch)
        net.rnnClearPreviousState();
        INDArray fromZero = net.rnnTimeStep(x);
        boolean matters = !fromZero.equalsWithEps(output, 1e-6);
        out.println("check   with h0 = c0 = 0 the output differs: " + matters);
        // two calls of rnnTimeStep carry the state: steps 0..2 then 3..4 give the same as all 5 at once
        setState(net, h0, c0);
        INDArray a = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).dup());
        INDArray b = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, SEQ)).dup());
        boolean chunked = Nd4j.concat(2, a, b).equalsWithEps(output, 1e-12);
        out.println("check   rnnTimeStep on steps 0..2, then 3..4 == one call on 0..4 (the state is carried): " + chunked);

        // ---- parameters: DL4J has one bias per gate, PyTorch two (b_ih and b_hh)
        long torchParams = 0;
        for (int l = 0; l < LAYERS; l++) {
            int in = l == 0 ? INPUT : HIDDEN;
            torchParams += 4L * HIDDEN * in + 4L * HIDDEN * HIDDEN + 2 * 4L * HIDDEN;
        }
        out.printf("params  DL4J %,d = Σ (4·20·nIn + 4·20·20 + 4·20); PyTorch %,d: b_ih and b_hh are two vectors whose sum is DL4J's b%n",
                net.numParams(), torchParams);

        // ---- bidirectional: output 2·hidden; h_n would be (num_layers·2, batch, hidden) in PyTorch
        MultiLayerNetwork bi = stacked(true);
        INDArray biOut = bi.output(x);
        out.println("bidir   Bidirectional(CONCAT, LSTM) ×2: output " + Arrays.toString(biOut.shape())
                + " = [batch, 2·hidden, time]; PyTorch h_n (num_layers·num_directions, batch, hidden) = (4, 3, 20):");
        out.println("        the forward direction's final h is output[:, 0:20, -1], the backward one's output[:, 20:40, 0]");
        out.println("        (DL4J's Bidirectional has no rnnTimeStep: a backward pass needs the whole sequence)");
        return new Result(torchInput.shape(), x.shape(), output.shape(), hN.shape(), cN.shape(), lastIsHn, matters, chunked,
                biOut.shape(), net.numParams(), torchParams, bi.numParams());
    }

    private static void setState(MultiLayerNetwork net, INDArray h0, INDArray c0) {
        for (int l = 0; l < LAYERS; l++) {
            net.rnnSetPreviousState(l, Map.of(
                    org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION, h0.get(NDArrayIndex.point(l), NDArrayIndex.all(), NDArrayIndex.all()).dup(),
                    org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL, c0.get(NDArrayIndex.point(l), NDArrayIndex.all(), NDArrayIndex.all()).dup()));
        }
    }
}
