package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.decode.BeamDecoding;
import io.github.lstmsuite.common.decode.GreedyDecoding;
import io.github.lstmsuite.common.text.TokenVocabulary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Decoding, incremental: the encoder runs once per sentence (the training graph's encoder half), then the
 * decoder graph ({@link TranslateModel#decoder}) takes one {@code rnnTimeStep} per output token, its LSTM
 * state carried, until {@code </s>} or the length limit.
 *
 * <ul>
 *   <li>{@link #greedy}: the likeliest token at every step; sentences of equal source length share a batch
 *       (then no padding exists for the encoder summary or the attention to skip).</li>
 *   <li>{@link #beam}: keeps the K best partial translations by total log-probability (sentences of equal
 *       source length again share a batch, K rows each); a finished one
 *       (ending in {@code </s>}) is scored by its log-probability divided by its length, so short outputs
 *       are not favoured; stops when K have finished. K = 1 is greedy.</li>
 * </ul>
 */
public final class Translator {
    private final ComputationGraph trained;
    private final ComputationGraph decoder;
    private final TranslateModel.Config config;
    private final int maxLength;
    private final List<String> decoderLayers;

    public Translator(ComputationGraph trained, TranslateModel.Config config, int maxLength) {
        this.trained = trained;
        this.config = config;
        this.decoder = TranslateModel.decoder(config, trained);
        this.maxLength = maxLength;
        this.decoderLayers = TranslateModel.decoderLayers(config);
    }

    /**
     * Encoder outputs [B, H, Ts], summaries [B, H] and the sources' mask [B, Ts] (null when all have one length).
     * Sources of unequal lengths are padded at the end and the padding masked, as in training: the encoder's
     * summary is each sentence's last real step and the attention skips the padding.
     */
    private INDArray[] encode(List<int[]> sources) {
        int b = sources.size();
        int ts = sources.stream().mapToInt(s -> s.length).max().orElse(1);
        boolean equal = sources.stream().allMatch(s -> s.length == ts);
        INDArray src = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1, ts);   // padding: <pad> = 0
        INDArray mask = equal ? null : Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, ts);
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < sources.get(i).length; t++) {
                src.putScalar(new long[] {i, 0, t}, sources.get(i)[t]);
                if (mask != null) {
                    mask.putScalar(i, t, 1f);
                }
            }
        }
        INDArray dummy = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1, 1);
        trained.clearLayerMaskArrays();                // equal lengths: nothing to mask (and no stale masks)
        if (mask != null) {
            trained.setLayerMaskArrays(new INDArray[] {mask, null}, null);
        }
        Map<String, INDArray> acts = trained.feedForward(new INDArray[] {src, dummy}, false);
        trained.clearLayerMaskArrays();
        INDArray outputs = config.attention() ? acts.get(TranslateModel.ENCODER).dup() : null;     // only attention reads them
        return new INDArray[] {outputs, acts.get(TranslateModel.SUMMARY).dup(), config.attention() ? mask : null};
    }

    private INDArray step(INDArray tokens, INDArray summary, INDArray encOut, INDArray mask) {
        if (mask != null) {
            attention().setMemoryMask(mask);           // rnnTimeStep passes no masks: the attention is told directly
        }
        INDArray in = tokens.reshape(tokens.length(), 1, 1);
        INDArray out = config.attention() ? decoder.rnnTimeStep(in, summary, encOut)[0] : decoder.rnnTimeStep(in, summary)[0];
        return out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));    // [B, Vt]
    }

    private io.github.lstmsuite.layers.DotAttentionVertex attentionVertex;

    private io.github.lstmsuite.layers.DotAttentionVertex attention() {
        if (attentionVertex == null) {
            for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : decoder.getVertices()) {
                if (v instanceof io.github.lstmsuite.layers.DotAttentionVertex a) {
                    attentionVertex = a;
                }
            }
        }
        return attentionVertex;
    }

    /** Greedy translations of token-index sentences (no {@code <s>}/{@code </s>}), in input order. */
    public List<int[]> greedy(List<int[]> sources) {
        return greedy(sources, true);
    }

    /**
     * Greedy translations; with {@code byLength} false, sentences of all lengths share each decoder step (padded
     * and masked) instead of only sentences of one length.
     */
    public List<int[]> greedy(List<int[]> sources, boolean byLength) {
        return GreedyDecoding.decode(sources, maxLength, DECODER_ROWS, byLength, this::startGroup,
                (tokens, enc) -> step(tokens, enc[1], enc[0], enc[2]));
    }

    /** The most decoder rows per step, greedy or beam: bounds the memory of a decoding step's arrays. */
    private static final int DECODER_ROWS = 256;

    /** A group of equal-length sources → [encoder outputs, summary]; the decoder starts from no state. */
    private INDArray[] startGroup(List<int[]> group) {
        decoder.rnnClearPreviousState();
        return encode(group.stream().map(Translator::nonEmpty).toList());
    }

    /** Beam search with {@code k} beams for one sentence. */
    public int[] beam(int[] source, int k) {
        return beam(List.of(source), k).get(0);
    }

    /**
     * Beam search with {@code k} beams for each sentence, in input order; sentences of one length take each
     * decoder step together ({@link BeamDecoding}), each with its own {@code k} rows.
     */
    public List<int[]> beam(List<int[]> sources, int k) {
        return beam(sources, k, true);
    }

    /**
     * As {@link #beam(List, int)}; with {@code byLength} false, sentences of all lengths share each decoder step
     * (padded and masked), so a server's batch of mixed sentences takes one decoder call per step.
     */
    public List<int[]> beam(List<int[]> sources, int k, boolean byLength) {
        List<int[]> out = BeamDecoding.decode(sources, k, maxLength, DECODER_ROWS, byLength, this::startGroup,
                (tokens, enc) -> step(tokens, enc[1], enc[0], enc[2]), rows -> {
            // the decoder's state (every layer's) follows each row's parent
            for (String layer : decoderLayers) {
                Map<String, INDArray> reordered = new LinkedHashMap<>();
                decoder.rnnGetPreviousState(layer).forEach((key, v) -> reordered.put(key, Nd4j.pullRows(v, 1, rows)));
                decoder.rnnSetPreviousState(layer, reordered);
            }
        });
        decoder.rnnClearPreviousState();
        return out;
    }

    /** An empty source (all of it unknown or blank) is read as one {@code <unk>}. */
    private static int[] nonEmpty(int[] s) {
        return s.length == 0 ? new int[] {TokenVocabulary.UNK_ID} : s;
    }
}
