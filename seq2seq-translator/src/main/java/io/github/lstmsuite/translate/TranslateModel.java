package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.DotAttention;
import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastDropout;
import io.github.lstmsuite.layers.FastEmbedding;
import io.github.lstmsuite.layers.LastStep;
import io.github.lstmsuite.layers.LstmImpl;
import io.github.lstmsuite.layers.MergeFeatures;
import io.github.lstmsuite.layers.ReverseSteps;
import io.github.lstmsuite.layers.SoftmaxOutput;
import io.github.lstmsuite.common.train.ModelZip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The encoder–decoder (“Recurrent neural networks, chapter 5”'s {@code Seq2SeqLSTM}), as a DL4J {@code ComputationGraph}:
 *
 * <pre>
 *   source [B, 1, Ts] → srcEmb [B, E, Ts] → encoder LSTM × layers [B, H, Ts] ──→ summary: its last real step [B, H]
 *       (--bidirectional: each encoder layer is a forward LSTM of H/2 ⊕ a backward one of H/2 reading the
 *        source reversed; summary = forward's last real step ⊕ backward's last, i.e. the first word's)
 *   target in [B, 1, Tt] → tgtEmb [B, E, Tt] ⊕ summary repeated at every step [B, H, Tt]
 *                        → decoder LSTM × layers [B, H, Tt]
 *   (attention, the default) attention(queries = decoder, keys = values = encoder) → context [B, H, Tt]; ⊕ decoder
 *                        → softmax over the target vocabulary [B, Vt, Tt]
 * </pre>
 * The decoder is conditioned on the encoder through the summary vector fed at every step (Cho et al.
 * 2014), and (unless {@code --no-attention}) also through dot-product attention over all encoder steps (Luong
 * et al. 2015; the suite's {@code DotAttention} vertex, scaled by 1/√H, masked to the real source steps).
 * PyTorch's version passes the encoder's (h, c) as the decoder's initial state instead of a summary input:
 * a DL4J graph cannot set a layer's initial state from another layer.
 *
 * <p>Dropout (PyTorch's meaning, the probability of zeroing) applies to the input of every recurrent
 * layer and of the softmax layer: the embeddings, the outputs of lower layers, and what the softmax reads.
 * The backward encoder reads each sentence reversed within its mask (the suite's {@code ReverseSteps}), so
 * padding stays at the end and the backward LSTM starts at the sentence's real last word (DL4J's
 * {@code Bidirectional} wrapper reverses the padded array whole); the summary is each direction's output
 * after its last real step ({@code LastStep}). Both do what DL4J's {@code ReverseTimeSeriesVertex} and
 * {@code LastTimeStepVertex} do, in one copy instead of an ND4J op per word (models saved with DL4J's
 * vertices still load).
 *
 * <p>For translating, {@link #decoder} builds the decoder half alone (inputs: the previous token, the
 * summary, and the encoder outputs) with the trained parameters, so each output token costs one decoder
 * step ({@code rnnTimeStep}), the encoder running once per sentence.
 */
public final class TranslateModel {
    static final String SRC = "source", TGT_IN = "targetIn", SUMMARY = "summary", ENC_OUT = "encoderOut", ENCODER = "encoder";

    private TranslateModel() {
    }

    /**
     * @param sourceVocab   source vocabulary size
     * @param targetVocab   target vocabulary size
     * @param embedding     E
     * @param hidden        H, encoder and decoder (a bidirectional encoder layer: H/2 each way)
     * @param attention     add dot-product attention
     * @param cell          the recurrent cell of encoder and decoder ({@code null}: the LSTM)
     * @param layers        stacked recurrent layers in the encoder and in the decoder (0 is read as 1)
     * @param bidirectional a bidirectional encoder
     * @param dropout       the probability of zeroing an input of a recurrent or the softmax layer
     * @param labelSmoothing ε: the training target is (1 − ε)·onehot + ε/V
     * @param lrDecay       the learning rate is multiplied by this after every epoch (1 or 0: constant)
     */
    public record Config(int sourceVocab, int targetVocab, int embedding, int hidden, boolean attention, double learningRate,
                         long seed, LstmImpl lstm, CellType cell, int layers, boolean bidirectional, double dropout,
                         double labelSmoothing, double lrDecay) {
        /** This configuration with the vocabulary sizes set (they are known once the data is read). */
        public Config withVocabularies(int source, int target) {
            return new Config(source, target, embedding, hidden, attention, learningRate, seed, lstm, cell, layers,
                    bidirectional, dropout, labelSmoothing, lrDecay);
        }

        /** The stacked layers, at least 1. */
        public int depth() {
            return Math.max(1, layers);
        }
    }

    private static ComputationGraphConfiguration.GraphBuilder base(Config c) {
        return new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(c.lrDecay() > 0 && c.lrDecay() != 1
                        ? new FastAdam(new ExponentialSchedule(ScheduleType.EPOCH, c.learningRate(), c.lrDecay()))
                        : new FastAdam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(5.0)
                .graphBuilder();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer rnn(Config c, long nIn, long nOut) {
        return (c.cell() == null ? CellType.lstm : c.cell()).build(nIn, nOut, c.dropout(), c.lstm());
    }

    /** The decoder's recurrent layers, bottom to top; the top one is {@code "decoder"}. */
    static List<String> decoderLayers(Config c) {
        List<String> names = new ArrayList<>();
        for (int l = 1; l < c.depth(); l++) {
            names.add("decoder" + l);
        }
        names.add("decoder");
        return names;
    }

    /** The decoder half, shared by the training graph and the translating graph. */
    private static void addDecoder(ComputationGraphConfiguration.GraphBuilder g, Config c, String summary, String encoderOut) {
        g.addLayer("tgtEmb", new FastEmbedding.Builder().nIn(c.targetVocab()).nOut(c.embedding()).build(), TGT_IN)
                .addVertex("context", new DuplicateToTimeSeriesVertex(TGT_IN), summary)           // [B, H, Tt]
                .addVertex("decoderIn", new MergeFeatures(), "tgtEmb", "context");                  // [B, E+H, Tt]
        String in = "decoderIn";
        long nIn = c.embedding() + c.hidden();
        for (String name : decoderLayers(c)) {
            g.addLayer(name, rnn(c, nIn, c.hidden()), in);                                        // [B, H, Tt]
            in = name;
            nIn = c.hidden();
        }
        String last = "decoder";
        if (c.attention()) {
            g.addVertex("attention", new DotAttention(), "decoder", encoderOut)                      // [B, H, Tt]
                    .addVertex("attended", new MergeFeatures(), "decoder", "attention");             // [B, 2H, Tt]
            last = "attended";
        }
        // softmax + sparse cross-entropy, NCW: DL4J's RnnOutputLayer computed in one pass (lstm-layers/SoftmaxOutput)
        RnnOutputLayer.Builder out = new SoftmaxOutput.Builder().labelSmoothing(c.labelSmoothing())
                .nIn(c.attention() ? 2L * c.hidden() : c.hidden()).nOut(c.targetVocab());
        if (c.dropout() > 0) {
            out.dropOut(new FastDropout(1.0 - c.dropout()));                                     // DL4J: retain probability
        }
        g.addLayer("out", out.build(), last);
    }

    /**
     * The encoder: the summary under {@link #SUMMARY} [B, H]; its outputs under {@link #ENCODER} [B, H, Ts]
     * (a bidirectional encoder without attention leaves the top layer's outputs unmerged: nothing reads them).
     */
    private static void addEncoder(ComputationGraphConfiguration.GraphBuilder g, Config c) {
        g.addLayer("srcEmb", new FastEmbedding.Builder().nIn(c.sourceVocab()).nOut(c.embedding()).build(), SRC);
        String in = "srcEmb";
        long nIn = c.embedding();
        for (int l = 1; l <= c.depth(); l++) {
            boolean top = l == c.depth();
            String name = top ? ENCODER : ENCODER + l;
            if (!c.bidirectional()) {
                g.addLayer(name, rnn(c, nIn, c.hidden()), in);                                     // [B, H, Ts]
                if (top) {
                    g.addVertex(SUMMARY, new LastStep(SRC), name);                                // [B, H]
                }
            } else {
                int half = c.hidden() / 2;
                g.addLayer(name + "Fwd", rnn(c, nIn, half), in)                                   // [B, H/2, Ts]
                        .addVertex(name + "Rev", new ReverseSteps(SRC), in)                       // each sentence reversed
                        .addLayer(name + "Bwd", rnn(c, nIn, half), name + "Rev");                 // [B, H/2, Ts], last word first
                if (!top || c.attention()) {                                                     // the outputs are read on
                    g.addVertex(name + "BwdOut", new ReverseSteps(SRC), name + "Bwd")             // back in word order
                            .addVertex(name, new MergeFeatures(), name + "Fwd", name + "BwdOut");      // [B, H, Ts]
                }
                if (top) {
                    g.addVertex("summaryFwd", new LastStep(SRC), name + "Fwd")                    // after the last word
                            .addVertex("summaryBwd", new LastStep(SRC), name + "Bwd")             // after reading back to the first
                            .addVertex(SUMMARY, new MergeFeatures(), "summaryFwd", "summaryBwd");    // [B, H]
                }
            }
            in = name;
            nIn = c.hidden();
        }
    }

    /** The graph that trains: inputs source and target-in, output the next-token distribution at every step. */
    public static ComputationGraph build(Config c) {
        if (c.bidirectional() && c.hidden() % 2 != 0) {
            throw new IllegalArgumentException("a bidirectional encoder needs an even hidden size, got " + c.hidden());
        }
        // no setInputTypes: it would reset the embeddings' nIn (the vocabulary size) to the input width 1
        var g = base(c).addInputs(SRC, TGT_IN);
        addEncoder(g, c);
        addDecoder(g, c, SUMMARY, ENCODER);
        ComputationGraph net = new ComputationGraph(g.setOutputs("out").build());
        net.init();
        return net;
    }

    /**
     * The decoder half alone, with {@code trained}'s parameters: inputs the previous token [B, 1, 1], the
     * summary [B, H] and (with attention) the encoder outputs [B, H, Ts]; one {@code rnnTimeStep} per token.
     */
    public static ComputationGraph decoder(Config c, ComputationGraph trained) {
        var g = c.attention() ? base(c).addInputs(TGT_IN, SUMMARY, ENC_OUT) : base(c).addInputs(TGT_IN, SUMMARY);
        addDecoder(g, c, SUMMARY, ENC_OUT);
        ComputationGraph dec = new ComputationGraph(g.setOutputs("out").build());
        dec.init();
        List<String> layers = new ArrayList<>(decoderLayers(c));
        layers.add("tgtEmb");
        layers.add("out");
        for (String layer : layers) {
            dec.getLayer(layer).setParams(trained.getLayer(layer).params().dup());
        }
        return dec;
    }

    /** One line, e.g. "embedding 128 → encoder bidirectional LSTM 128+128 → decoder LSTM 256 + attention → softmax 4,000; …". */
    public static String describe(Config mc) {
        String cell = (mc.cell() == null ? CellType.lstm : mc.cell()).label(mc.lstm());
        String stack = mc.depth() > 1 ? mc.depth() + " × " : "";
        String encoder = mc.bidirectional() ? stack + "bidirectional " + cell + " " + mc.hidden() / 2 + "+" + mc.hidden() / 2
                : stack + cell + " " + mc.hidden();
        return String.format("embedding %d → encoder %s → decoder %s%s %d%s → softmax %,d; dropout %.2f, label smoothing %.2f; Adam lr %s%s",
                mc.embedding(), encoder, stack, cell, mc.hidden(), mc.attention() ? " + attention" : "", mc.targetVocab(),
                mc.dropout(), mc.labelSmoothing(), mc.learningRate(), mc.lrDecay() > 0 && mc.lrDecay() != 1 ? " × " + mc.lrDecay() + " per epoch" : "");
    }

    /** A trained model and its settings. */
    public record Loaded(Path path, ComputationGraph net, TranslateApp.RunConfig config) {
        Translator translator() {
            return new Translator(net, config.model(), config.maxLength() + 2);
        }
    }

    /** Loads {@code model} (the newest translate model under runs/ when null); another app's model is refused in one line. */
    public static Loaded load(Path model) {
        ModelZip.Stored<TranslateApp.RunConfig> m = ModelZip.stored(model, TranslateApp.APP, TranslateApp.RunConfig.class);
        if (m.config().targetVocab() == null) {
            throw new UserException("--model " + m.path() + ": not a translation model (no vocabularies inside)");
        }
        return new Loaded(m.path(), ModelZip.loadGraph(m.path(), false), m.config());
    }
}
