package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.nn.CellType;
import io.github.lstmsuite.common.nn.DotAttention;
import io.github.lstmsuite.common.nn.LstmImpl;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The encoder–decoder (seed 002's {@code Seq2SeqLSTM}), as a DL4J {@code ComputationGraph}:
 *
 * <pre>
 *   source [B, 1, Ts] → srcEmb [B, E, Ts] → encoder LSTM [B, H, Ts] ──→ summary: its last real step [B, H]
 *   target in [B, 1, Tt] → tgtEmb [B, E, Tt] ⊕ summary repeated at every step [B, H, Tt]
 *                        → decoder LSTM [B, H, Tt]
 *   (--attention) attention(queries = decoder, keys = values = encoder) → context [B, H, Tt]; ⊕ decoder
 *                        → softmax over the target vocabulary [B, Vt, Tt]
 * </pre>
 * The decoder is conditioned on the encoder through the summary vector fed at every step (Cho et al.
 * 2014), and with {@code --attention} also through dot-product attention over all encoder steps (Luong
 * et al. 2015; the suite's {@code DotAttention} vertex, scaled by 1/√H, masked to the real source steps).
 * PyTorch's version passes the encoder's (h, c) as the decoder's initial state instead of a summary input:
 * a DL4J graph cannot set a layer's initial state from another layer.
 *
 * <p>For translating, {@link #decoder} builds the decoder half alone (inputs: the previous token, the
 * summary, and the encoder outputs) with the trained parameters, so each output token costs one decoder
 * step ({@code rnnTimeStep}), the encoder running once per sentence.
 */
public final class TranslateModel {
    static final String SRC = "source", TGT_IN = "targetIn", SUMMARY = "summary", ENC_OUT = "encoderOut";

    private TranslateModel() {
    }

    /**
     * @param sourceVocab  source vocabulary size
     * @param targetVocab  target vocabulary size
     * @param embedding    E
     * @param hidden       H, encoder and decoder
     * @param attention    add dot-product attention
     * @param cell         the recurrent cell of encoder and decoder ({@code null}: the LSTM)
     */
    public record Config(int sourceVocab, int targetVocab, int embedding, int hidden, boolean attention, double learningRate,
                         long seed, LstmImpl lstm, CellType cell) {
    }

    private static ComputationGraphConfiguration.GraphBuilder base(Config c) {
        return new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(5.0)
                .graphBuilder();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer lstm(Config c, long nIn) {
        return (c.cell() == null ? CellType.lstm : c.cell()).build(nIn, c.hidden(), 0, c.lstm());
    }

    /** The decoder half, shared by the training graph and the translating graph. */
    private static void addDecoder(ComputationGraphConfiguration.GraphBuilder g, Config c, String summary, String encoderOut) {
        g.addLayer("tgtEmb", new EmbeddingSequenceLayer.Builder().nIn(c.targetVocab()).nOut(c.embedding()).build(), TGT_IN)
                .addVertex("context", new DuplicateToTimeSeriesVertex(TGT_IN), summary)           // [B, H, Tt]
                .addVertex("decoderIn", new MergeVertex(), "tgtEmb", "context")                   // [B, E+H, Tt]
                .addLayer("decoder", lstm(c, c.embedding() + c.hidden()), "decoderIn");            // [B, H, Tt]
        String last = "decoder";
        if (c.attention()) {
            g.addVertex("attention", new DotAttention(), "decoder", encoderOut)                      // [B, H, Tt]
                    .addVertex("attended", new MergeVertex(), "decoder", "attention");             // [B, 2H, Tt]
            last = "attended";
        }
        g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).activation(Activation.SOFTMAX)
                .nIn(c.attention() ? 2L * c.hidden() : c.hidden()).nOut(c.targetVocab()).dataFormat(RNNFormat.NCW).build(), last);
    }

    /** The graph that trains: inputs source and target-in, output the next-token distribution at every step. */
    public static ComputationGraph build(Config c) {
        // no setInputTypes: it would reset the embeddings' nIn (the vocabulary size) to the input width 1
        var g = base(c).addInputs(SRC, TGT_IN)
                .addLayer("srcEmb", new EmbeddingSequenceLayer.Builder().nIn(c.sourceVocab()).nOut(c.embedding()).build(), SRC)
                .addLayer("encoder", lstm(c, c.embedding()), "srcEmb")                             // [B, H, Ts]
                .addVertex(SUMMARY, new LastTimeStepVertex(SRC), "encoder");                      // [B, H]
        addDecoder(g, c, SUMMARY, "encoder");
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
        for (String layer : new String[] {"tgtEmb", "decoder", "out"}) {
            dec.getLayer(layer).setParams(trained.getLayer(layer).params().dup());
        }
        return dec;
    }
}
