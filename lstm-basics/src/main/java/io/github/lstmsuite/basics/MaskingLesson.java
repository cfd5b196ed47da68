package io.github.lstmsuite.basics;

import java.io.PrintStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lesson 4, “LSTM input and output”, “Recurrent neural networks, chapter 5”, “nn.LSTM() parameters explained”: variable-length sequences in one batch. Sentence A has 5 steps, sentence
 * B 3; B is padded to 5 with garbage and a mask marks its real steps:
 *
 * <pre>
 *   features     [2, 4, 5]   [batch, features, time]; B's steps 3 and 4 hold 99 (padding)
 *   featureMask  [2, 5]      [[1 1 1 1 1], [1 1 1 0 0]]
 *   labelMask    [2, 5]      the same: padded steps carry no loss
 * </pre>
 * B inside the padded batch gives exactly what B alone gives: its real steps come first, and an LSTM reads
 * forwards. DL4J's LSTM layer (1.0.0-M2.1) still computes the padded steps — its activations there are
 * not zeroed — but the output layer masks them, the loss leaves them out, and {@code LastTimeStep} uses
 * the mask to take each sequence's own last real step; without the mask it would read the padding. PyTorch does the same with
 * {@code pack_padded_sequence(x, lengths)} before the LSTM and {@code pad_packed_sequence} after, and with
 * {@code ignore_index} or a mask in the loss.
 */
public final class MaskingLesson {
    static final int F = 4, CLASSES = 3, T = 5, SHORT = 3;

    private MaskingLesson() {
    }

    /** Differences between B alone and B padded in the batch, and the loss check. */
    public record Result(double maxOutputDifference, double paddedLstmMaxAbs, double paddedOutputMaxAbs, double batchLoss,
                         double separateLoss, double lastStepDifferenceMasked, double lastStepDifferenceUnmasked) {
    }

    static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).list()
                .layer(new LSTM.Builder().nIn(F).nOut(6).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(6).nOut(CLASSES).dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(F, T, RNNFormat.NCW)).build());
        net.init();
        return net;
    }

    public static Result run(PrintStream out) {
        MultiLayerNetwork net = net();
        INDArray a = Nd4j.rand(DataType.DOUBLE, 1, F, T);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 1, F, SHORT);
        INDArray la = oneHot(new int[] {0, 1, 2, 1, 0});
        INDArray lb = oneHot(new int[] {2, 2, 1});

        // ---- the padded batch
        INDArray x = Nd4j.valueArrayOf(new long[] {2, F, T}, 99.0, DataType.DOUBLE);   // padding: garbage on purpose
        x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).assign(a.reshape(F, T));
        x.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(0, SHORT)).assign(b.reshape(F, SHORT));
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, CLASSES, T);
        labels.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).assign(la.reshape(CLASSES, T));
        labels.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(0, SHORT)).assign(lb.reshape(CLASSES, SHORT));
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
        out.println("batch: features [2, 4, 5] (B padded with 99 at steps 3, 4), featureMask = labelMask = [[1 1 1 1 1], [1 1 1 0 0]]");

        INDArray padded = net.output(x, false, mask, mask);                    // [2, 3, 5]
        INDArray alone = net.output(b, false);                                 // [1, 3, 3]
        INDArray bInBatch = padded.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all(), NDArrayIndex.interval(0, SHORT));
        double diff = bInBatch.sub(alone).amaxNumber().doubleValue();
        // the LSTM layer's own activations at B's padded steps
        // what the layers hold at B's padded steps 3 and 4
        java.util.List<INDArray> acts = net.feedForward(x, mask, mask);        // input, LSTM [2, 6, 5], softmax [2, 3, 5]
        double paddedLstm = acts.get(1).get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(SHORT, T))
                .amaxNumber().doubleValue();
        double paddedOut = padded.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(SHORT, T))
                .amaxNumber().doubleValue();
        out.printf("B's outputs inside the batch vs B run alone: largest difference %.1e%n", diff);
        out.printf("at B's padded steps: the LSTM layer still computes values (largest |h| %.3f: DL4J does not zero them), "
                + "the output layer returns %.1f (masked)%n", paddedLstm, paddedOut);

        // many-to-one: LastTimeStep uses the mask to take each sequence's own last real step
        MultiLayerNetwork last = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).list()
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                        new LSTM.Builder().nIn(F).nOut(6).activation(Activation.TANH).build()))
                .setInputType(InputType.recurrent(F, T, RNNFormat.NCW)).build());
        last.init();
        INDArray lastAlone = last.output(b, false);                                           // [1, 6]
        double lastMasked = last.output(x, false, mask, null).getRow(1).sub(lastAlone.getRow(0)).amaxNumber().doubleValue();
        double lastUnmasked = last.output(x, false).getRow(1).sub(lastAlone.getRow(0)).amaxNumber().doubleValue();
        out.printf("many-to-one (LastTimeStep): B's summary in the batch vs alone: %.1e with the mask, %.3f without "
                + "(it would read the padding)%n", lastMasked, lastUnmasked);

        // ---- the loss: DL4J's score = Σ over unmasked steps / batch size
        DataSet batch = new DataSet(x, labels, mask, mask);
        double batchScore = net.score(batch);
        double scoreA = net.score(new DataSet(a, la));
        double scoreB = net.score(new DataSet(b, lb));
        out.printf("loss: batch %.6f = (A alone %.6f + B alone %.6f) / 2 = %.6f  (DL4J sums over steps, averages over the batch)%n",
                batchScore, scoreA, scoreB, (scoreA + scoreB) / 2);
        out.println("PyTorch: pack_padded_sequence(x, lengths=[5, 3]) → LSTM → pad_packed_sequence; h_n is then each sequence's own last step");
        return new Result(diff, paddedLstm, paddedOut, batchScore, (scoreA + scoreB) / 2, lastMasked, lastUnmasked);
    }

    static INDArray oneHot(int[] classes) {
        INDArray l = Nd4j.zeros(DataType.DOUBLE, 1, CLASSES, classes.length);
        for (int t = 0; t < classes.length; t++) {
            l.putScalar(0, classes[t], t, 1.0);
        }
        return l;
    }
}
