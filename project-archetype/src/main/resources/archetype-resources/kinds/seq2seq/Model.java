package com.example.lstm;

import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastEmbedding;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.common.decode.GreedyDecoding;
import io.github.lstmsuite.layers.LastStep;
import io.github.lstmsuite.layers.MergeFeatures;
import io.github.lstmsuite.layers.SoftmaxOutput;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The network: an encoder LSTM reads the source; its state after the last real token (the summary) is
 * given to the decoder at every step beside the previous target token; the decoder LSTM predicts the next
 * target token. Trained with teacher forcing (the true previous token as input); used greedily (its own
 * previous token, one {@code rnnTimeStep} per token).
 *
 * <pre>
 *   source     [B, 1, Ts] → embedding [B, E, Ts] → encoder LSTM [B, H, Ts] → last real step: summary [B, H]
 *   target in  [B, 1, Tt] → embedding [B, E, Tt] ⊕ summary at every step [B, H, Tt] → [B, E+H, Tt]
 *              → decoder LSTM [B, H, Tt] → softmax [B, Vt, Tt]   P(next target token) at every step
 * </pre>
 */
public final class Model {
    private Model() {
    }

    /** The hyper-parameters, in one place. */
    public record Config(int sourceVocab, int targetVocab, int embedding, int hidden, double learningRate, long seed) {
    }

    private static ComputationGraphConfiguration.GraphBuilder base(Config c) {
        return new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new FastAdam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(5.0)
                .graphBuilder();
    }

    /** The decoder half, the same in the training graph and in the step-by-step graph. */
    private static void addDecoder(ComputationGraphConfiguration.GraphBuilder g, Config c) {
        g.addLayer("targetEmb", new FastEmbedding.Builder().nIn(c.targetVocab()).nOut(c.embedding()).build(), "targetIn")
                .addVertex("context", new DuplicateToTimeSeriesVertex("targetIn"), "summary")           // [B, H, Tt]
                .addVertex("decoderIn", new MergeFeatures(), "targetEmb", "context")                   // [B, E+H, Tt]
                .addLayer("decoder", new FastLstm.Builder().nIn(c.embedding() + c.hidden()).nOut(c.hidden())
                        .activation(Activation.TANH).build(), "decoderIn")                               // [B, H, Tt]
                .addLayer("out", new SoftmaxOutput.Builder().nIn(c.hidden()).nOut(c.targetVocab()).build(), "decoder");
    }

    /** The training graph: inputs {@code source} and {@code targetIn}, output the next-token distribution. */
    public static ComputationGraph build(Config c) {
        var g = base(c).addInputs("source", "targetIn")
                .addLayer("sourceEmb", new FastEmbedding.Builder().nIn(c.sourceVocab()).nOut(c.embedding()).build(), "source")
                .addLayer("encoder", new FastLstm.Builder().nIn(c.embedding()).nOut(c.hidden()).activation(Activation.TANH).build(), "sourceEmb")
                .addVertex("summary", new LastStep("source"), "encoder");                                // [B, H]
        addDecoder(g, c);
        ComputationGraph net = new ComputationGraph(g.setOutputs("out").build());
        net.init();
        return net;
    }

    /** The decoder alone with {@code trained}'s parameters: inputs the previous token [B, 1, 1] and the summary [B, H]. */
    static ComputationGraph decoder(Config c, ComputationGraph trained) {
        var g = base(c).addInputs("targetIn", "summary");
        addDecoder(g, c);
        ComputationGraph dec = new ComputationGraph(g.setOutputs("out").build());
        dec.init();
        for (String layer : new String[] {"targetEmb", "decoder", "out"}) {
            dec.getLayer(layer).setParams(trained.getLayer(layer).params().dup());
        }
        return dec;
    }

    /**
     * Greedy decoding with the suite's {@link GreedyDecoding}: the likeliest token at each step, fed back, until
     * {@code </s>} or {@code maxLength} tokens. This model says how to encode a group of sources of one length
     * (the summary {@code [B, H]}) and how to take one decoder step ({@code rnnTimeStep}, state kept in between).
     */
    public static List<int[]> greedy(ComputationGraph trained, Config c, List<int[]> sources, int maxLength) {
        ComputationGraph dec = decoder(c, trained);
        return GreedyDecoding.decode(sources, maxLength, 512, group -> {
            int b = group.size();
            int ts = Math.max(1, group.get(0).length);
            INDArray src = Nd4j.zeros(DataType.FLOAT, b, 1, ts);                                  // [B, 1, Ts]
            for (int i = 0; i < b; i++) {
                for (int t = 0; t < group.get(i).length; t++) {
                    src.putScalar(new long[] {i, 0, t}, group.get(i)[t]);
                }
            }
            trained.clearLayerMaskArrays();
            dec.rnnClearPreviousState();
            INDArray summary = trained.feedForward(new INDArray[] {src, Nd4j.zeros(DataType.FLOAT, b, 1, 1)}, false)
                    .get("summary").dup();                                                          // [B, H]
            return new INDArray[] {summary};
        }, (tokens, enc) -> dec.rnnTimeStep(tokens.reshape(tokens.length(), 1, 1), enc[0])[0]      // [B, Vt, 1]
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)));              // [B, Vt]
    }
}
