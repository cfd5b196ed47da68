package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastDropout;
import io.github.lstmsuite.layers.FastEmbedding;
import io.github.lstmsuite.layers.LstmImpl;
import io.github.lstmsuite.layers.SoftmaxOutput;
import io.github.lstmsuite.layers.SoftmaxOutputLayer;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.Sampling;
import io.github.lstmsuite.common.train.ModelZip;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 *   labels        [B, 1, T]   the next character's index  (models saved before: one-hot [B, V, T])
 * </pre>
 * PyTorch (“Recurrent neural networks, chapter 5”): {@code nn.Embedding(V, E)}, {@code nn.LSTM(E, H, L, batch_first=True)},
 * {@code nn.Linear(H, V)} on {@code (B, T, ·)} tensors; DL4J keeps time last.
 */
public final class CharModel {
    private CharModel() {
    }

    /**
     * @param vocab     V, characters in the vocabulary
     * @param embedding E, the embedding size; 0 = one-hot input (“Recurrent neural networks, chapter 5” compares the two)
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
                .updater(new FastAdam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)   // char-rnn clips gradients too
                .gradientNormalizationThreshold(5.0)
                .list();
        int nIn = c.vocab();
        if (!c.oneHot()) {
            list.layer(new FastEmbedding.Builder().nIn(c.vocab()).nOut(c.embedding()).build());
            nIn = c.embedding();
        }
        for (int i = 0; i < c.layers(); i++) {
            list.layer(c.cellType().build(nIn, c.hidden(), i > 0 ? c.dropout() : 0, c.lstm()));
            nIn = c.hidden();
        }
        // Softmax and cross-entropy over the vocabulary at every step; the labels are next-character indices
        // [B, 1, T]. SoftmaxOutput is the suite's DL4J output layer for this (DL4J's RnnOutputLayer with
        // MCXENT computes the same loss from one-hot labels [B, V, T], with more copies per step).
        RnnOutputLayer.Builder out = new SoftmaxOutput.Builder().nIn(nIn).nOut(c.vocab());
        if (c.dropout() > 0) {
            out.dropOut(new FastDropout(1.0 - c.dropout()));     // DL4J: retain probability (lstm-layers)
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(out.build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(c.tbptt()).tBPTTBackwardLength(c.tbptt())
                .build());
        net.init();
        return net;
    }

    /**
     * Whether {@code net} trains on next-character indices {@code [B, 1, T]} ({@link SoftmaxOutput}, every model
     * {@link #build} makes) rather than one-hot labels {@code [B, V, T]} (DL4J's {@code RnnOutputLayer} with
     * {@code MCXENT}, in models saved by earlier versions, which still resume).
     */
    public static boolean indexLabels(MultiLayerNetwork net) {
        return net.getOutputLayer() instanceof SoftmaxOutputLayer;
    }

    /**
     * Feeds {@code prime} through the network (one {@code rnnTimeStep} call), then writes {@code length}
     * characters, each from one {@code rnnTimeStep} of one character: the cost is linear in the length,
     * the prefix is never run again. Each character goes to {@code sink} as soon as it is drawn.
     */
    public static String generate(MultiLayerNetwork net, CharVocabulary vocab, boolean oneHot, int[] prime, int length,
                                  double temperature, int topK, double topP, Random random, Consumer<String> sink) {
        if (prime.length == 0) {
            throw new UserException("--prime: needs at least one character the model knows");
        }
        int v = vocab.size();
        net.rnnClearPreviousState();
        INDArray probs = net.rnnTimeStep(input(prime, v, oneHot));         // [1, V, P]
        StringBuilder out = new StringBuilder();
        double[] p = new double[v];
        for (int i = 0; i < length; i++) {
            long last = probs.rank() == 3 ? probs.size(2) - 1 : 0;
            for (int k = 0; k < v; k++) {
                p[k] = probs.rank() == 3 ? probs.getDouble(0, k, last) : probs.getDouble(0, k);
            }
            int next = Sampling.next(p, temperature, topK, topP, random);
            String ch = new String(Character.toChars(vocab.codePoint(next)));
            out.append(ch);
            sink.accept(ch);
            if (i + 1 < length) {
                probs = net.rnnTimeStep(input(new int[]{next}, v, oneHot));   // [1, V, 1]
            }
        }
        net.rnnClearPreviousState();
        return out.toString();
    }

    /** {@code [1, 1, n]} indices or {@code [1, V, n]} one-hot. */
    private static INDArray input(int[] tokens, int vocab, boolean oneHot) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, oneHot ? vocab : 1, tokens.length);
        for (int t = 0; t < tokens.length; t++) {
            if (oneHot) {
                x.putScalar(new long[]{0, tokens[t], t}, 1f);
            } else {
                x.putScalar(new long[]{0, 0, t}, tokens[t]);
            }
        }
        return x;
    }

    /** Prints each piece as it comes. */
    static Consumer<String> streamTo(PrintStream out) {
        return s -> {
            out.print(s);
            out.flush();
        };
    }

    /** A trained model and what it was made with (its vocabulary included). */
    public record Loaded(Path path, MultiLayerNetwork net, CharApp.RunConfig config, CharVocabulary vocab) {
    }

    /** Loads {@code model} (the newest chars model under runs/ when null); another app's model is refused in one line. */
    public static Loaded load(Path model) {
        ModelZip.Stored<CharApp.RunConfig> m = ModelZip.stored(model, CharApp.APP, CharApp.RunConfig.class);
        return new Loaded(m.path(), ModelZip.loadMultiLayer(m.path(), false), m.config(), CharVocabulary.parse(m.config().vocabulary()));
    }
}
