package io.github.lstmsuite.basics;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lesson 5, “Recurrent neural networks, chapter 5”: the four shapes of a recurrent model as tiny DL4J configurations, each run once
 * on random input to show its real input and output shapes, and the app of this suite that uses it.
 * Batch B = 2, F = 4 input features, T = 6 steps, 3 classes or outputs.
 */
public final class ArchitecturesLesson {
    static final int B = 2, F = 4, T = 6, K = 3, HID = 8;

    private ArchitecturesLesson() {
    }

    /** Input and output shapes per architecture. */
    public record Result(Map<String, long[][]> shapes) {
    }

    private static NeuralNetConfiguration.ListBuilder list() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).list();
    }

    private static MultiLayerNetwork init(MultiLayerNetwork n) {
        n.init();
        return n;
    }

    public static Result run(PrintStream out) {
        Map<String, long[][]> shapes = new LinkedHashMap<>();

        // one-to-one: no time axis at all; a feed-forward net (an RNN with T = 1 is the same thing)
        MultiLayerNetwork oneToOne = init(new MultiLayerNetwork(list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(HID).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(HID).nOut(K).build())
                .build()));
        INDArray x2 = Nd4j.rand(DataType.FLOAT, B, F);
        record(out, shapes, "one-to-one", x2, oneToOne.output(x2), "DenseLayer → OutputLayer", "(an ordinary classifier)");

        // many-to-one: read T steps, answer once from the last one
        MultiLayerNetwork manyToOne = init(new MultiLayerNetwork(list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(F).nOut(HID).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(HID).nOut(K).build())
                .setInputType(InputType.recurrent(F, T, RNNFormat.NCW)).build()));
        INDArray x3 = Nd4j.rand(DataType.FLOAT, B, F, T);
        record(out, shapes, "many-to-one", x3, manyToOne.output(x3), "LastTimeStep(LSTM) → OutputLayer",
                "mnist-classifier: 28 rows → a digit");

        // many-to-many, aligned: an output at every step
        MultiLayerNetwork manyToMany = init(new MultiLayerNetwork(list()
                .layer(new LSTM.Builder().nIn(F).nOut(HID).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).nIn(HID).nOut(K)
                        .dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(F, T, RNNFormat.NCW)).build()));
        record(out, shapes, "many-to-many", x3, manyToMany.output(x3), "LSTM → RnnOutputLayer",
                "timeseries-forecast (H values after every step); char-generator's training (next character at every step)");

        // one-to-many: one input, then each output fed back as the next input, the state carried by rnnTimeStep
        MultiLayerNetwork generator = init(new MultiLayerNetwork(list()
                .layer(new LSTM.Builder().nIn(F).nOut(HID).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(HID).nOut(F)
                        .dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(F, 1, RNNFormat.NCW)).build()));
        INDArray step = Nd4j.rand(DataType.FLOAT, B, F, 1);
        INDArray seed = step;
        INDArray[] outs = new INDArray[T];
        generator.rnnClearPreviousState();
        for (int t = 0; t < T; t++) {
            outs[t] = generator.rnnTimeStep(step);          // [B, F, 1]
            step = outs[t];                                  // fed back (the char app samples a character from it)
        }
        record(out, shapes, "one-to-many", seed, Nd4j.concat(2, outs), "LSTM → RnnOutputLayer, rnnTimeStep × " + T,
                "char-generator's generate (one character in, one out, 500 times)");

        // encoder–decoder (many-to-many, unaligned): the encoder's last step conditions every decoder step
        ComputationGraph seq2seq = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("source", "targetIn")
                .setInputTypes(InputType.recurrent(F, T, RNNFormat.NCW), InputType.recurrent(K, 4, RNNFormat.NCW))
                .addLayer("encoder", new LSTM.Builder().nIn(F).nOut(HID).activation(Activation.TANH).build(), "source")
                .addVertex("summary", new LastTimeStepVertex("source"), "encoder")                       // [B, HID]
                .addVertex("repeated", new DuplicateToTimeSeriesVertex("targetIn"), "summary")         // [B, HID, Tt]
                .addVertex("decoderIn", new MergeVertex(), "targetIn", "repeated")                     // [B, K+HID, Tt]
                .addLayer("decoder", new LSTM.Builder().nIn(K + HID).nOut(HID).activation(Activation.TANH).build(), "decoderIn")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HID).nOut(K).dataFormat(RNNFormat.NCW).build(), "decoder")
                .setOutputs("out").build());
        seq2seq.init();
        INDArray targetIn = Nd4j.rand(DataType.FLOAT, B, K, 4);
        INDArray y = seq2seq.outputSingle(x3, targetIn);
        record(out, shapes, "encoder-decoder", x3, y, "LSTM → LastTimeStepVertex → DuplicateToTimeSeriesVertex ⊕ target → LSTM → RnnOutputLayer",
                "seq2seq-translator (issue #5): source of " + T + " steps → target of 4");
        out.println("(the decoder's input, " + Arrays.toString(targetIn.shape()) + ", is the target shifted right: teacher forcing)");
        return new Result(shapes);
    }

    private static void record(PrintStream out, Map<String, long[][]> shapes, String name, INDArray in, INDArray y, String layers,
                               String usedBy) {
        shapes.put(name, new long[][] {in.shape(), y.shape()});
        out.printf("%-16s %-14s → %-14s %s%n%16s used by: %s%n", name, Arrays.toString(in.shape()), Arrays.toString(y.shape()),
                layers, "", usedBy);
    }
}
