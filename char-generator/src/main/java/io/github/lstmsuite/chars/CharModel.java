package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.nn.CellType;
import io.github.lstmsuite.common.nn.LstmImpl;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network: characters → embedding (or one-hot) → stacked LSTM → softmax over the vocabulary at every
 * step. Trained many-to-many (predict each next character), used one-to-many (one character in, one out,
 * the state carried by {@code rnnTimeStep}).
 *
 * <pre>
 *   input         [B, 1, T]   character indices          (one-hot: [B, V, T])
 *   embedding     [B, E, T]   a learned vector per character
 *   LSTM 1..L     [B, H, T]
 *   softmax       [B, V, T]   P(next character) at every step
 * </pre>
 * PyTorch (seed 002): {@code nn.Embedding(V, E)}, {@code nn.LSTM(E, H, L, batch_first=True)},
 * {@code nn.Linear(H, V)} on {@code (B, T, ·)} tensors; DL4J keeps time last.
 */
public final class CharModel {
    private CharModel() {
    }

    /**
     * @param vocab     V, characters in the vocabulary
     * @param embedding E, the embedding size; 0 = one-hot input (seed 002 compares the two)
     * @param hidden    H, LSTM units per layer
     * @param layers    stacked LSTM layers
     * @param dropout   probability of dropping an activation between layers (PyTorch's meaning)
     * @param tbptt     truncated-BPTT length: gradients flow back this many steps, state flows on
     */
    public record Config(int vocab, int embedding, int hidden, int layers, double dropout, double learningRate,
                         int tbptt, long seed, LstmImpl lstm, CellType cell) {
        public boolean oneHot() {
            return embedding == 0;
        }

        /** The recurrent cell ({@code null} in models saved before cells existed: the LSTM). */
        public CellType cellType() {
            return cell == null ? CellType.lstm : cell;
        }
    }

    public static MultiLayerNetwork build(Config c) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)   // char-rnn clips gradients too
                .gradientNormalizationThreshold(5.0)
                .list();
        int nIn = c.vocab();
        if (!c.oneHot()) {
            list.layer(new EmbeddingSequenceLayer.Builder().nIn(c.vocab()).nOut(c.embedding()).build());
            nIn = c.embedding();
        }
        for (int i = 0; i < c.layers(); i++) {
            list.layer(c.cellType().build(nIn, c.hidden(), i > 0 ? c.dropout() : 0, c.lstm()));
            nIn = c.hidden();
        }
        RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX).nIn(nIn).nOut(c.vocab()).dataFormat(RNNFormat.NCW);
        if (c.dropout() > 0) {
            out.dropOut(1.0 - c.dropout());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(out.build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(c.tbptt()).tBPTTBackwardLength(c.tbptt())
                .build());
        net.init();
        return net;
    }
}
