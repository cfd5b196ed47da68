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

    /** Encoder outputs [B, H, Ts] and summaries [B, H] of equal-length sources. */
    private INDArray[] encode(List<int[]> sources) {
        int b = sources.size();
        int ts = sources.get(0).length;
        INDArray src = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1, ts);
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < ts; t++) {
                src.putScalar(new long[] {i, 0, t}, sources.get(i)[t]);
            }
        }
        INDArray dummy = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, 1, 1);
        trained.clearLayerMaskArrays();                // equal lengths: nothing to mask (and no stale masks)
        Map<String, INDArray> acts = trained.feedForward(new INDArray[] {src, dummy}, false);
        INDArray outputs = config.attention() ? acts.get(TranslateModel.ENCODER).dup() : null;     // only attention reads them
        return new INDArray[] {outputs, acts.get(TranslateModel.SUMMARY).dup()};
    }

    private INDArray step(INDArray tokens, INDArray summary, INDArray encOut) {
        INDArray in = tokens.reshape(tokens.length(), 1, 1);
        INDArray out = config.attention() ? decoder.rnnTimeStep(in, summary, encOut)[0] : decoder.rnnTimeStep(in, summary)[0];
        return out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));    // [B, Vt]
    }

    /** Greedy translations of token-index sentences (no {@code <s>}/{@code </s>}), in input order. */
    public List<int[]> greedy(List<int[]> sources) {
        return GreedyDecoding.decode(sources, maxLength, DECODER_ROWS, this::startGroup, (tokens, enc) -> step(tokens, enc[1], enc[0]));
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
        List<int[]> out = BeamDecoding.decode(sources, k, maxLength, DECODER_ROWS, this::startGroup,
                (tokens, enc) -> step(tokens, enc[1], enc[0]), rows -> {
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
