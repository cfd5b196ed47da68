package com.example.lstm;

import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastEmbedding;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.layers.SoftmaxOutput;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The network: characters → embedding → stacked LSTMs → softmax over the vocabulary at every step.
 * Trained many-to-many (predict each next character) with truncated BPTT; used one-to-many (one character
 * in, one out, the state carried by {@code rnnTimeStep}).
 *
 * <pre>
 *   input      [batch, 1, T]   character indices        DL4J's NCW layout: [batch, features, time]
 *   embedding  [batch, E, T]
 *   LSTM ×L    [batch, H, T]
 *   softmax    [batch, V, T]   P(next character) at every step
 *   labels     [batch, 1, T]   the next character's index
 * </pre>
 */
public final class Model {
    private Model() {
    }

    /** The hyper-parameters, in one place. {@code tbptt}: gradients flow back this many steps, the state flows on. */
    public record Config(int vocab, int embedding, int hidden, int layers, double learningRate, int tbptt, long seed) {
    }

    public static MultiLayerNetwork build(Config c) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new FastAdam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)     // as char-rnn: clip gradients
                .gradientNormalizationThreshold(5.0)
                .list()
                .layer(new FastEmbedding.Builder().nIn(c.vocab()).nOut(c.embedding()).build());   // [batch, E, T]
        for (int l = 0; l < c.layers(); l++) {
            b.layer(new FastLstm.Builder().nIn(l == 0 ? c.embedding() : c.hidden()).nOut(c.hidden())
                    .activation(Activation.TANH).build());                                               // [batch, H, T]
        }
        // softmax + cross-entropy at every step, labels = next-character indices [batch, 1, T]
        b.layer(new SoftmaxOutput.Builder().nIn(c.hidden()).nOut(c.vocab()).build());                   // [batch, V, T]
        MultiLayerNetwork net = new MultiLayerNetwork(b.backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(c.tbptt()).tBPTTBackwardLength(c.tbptt()).build());
        net.init();
        return net;
    }
}
