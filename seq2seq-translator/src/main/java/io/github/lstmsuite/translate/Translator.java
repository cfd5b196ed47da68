package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.nn.GreedyDecoding;
import io.github.lstmsuite.common.text.TokenVocabulary;
import java.util.ArrayList;
import java.util.Comparator;
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
 *   <li>{@link #beam}: keeps the K best partial translations by total log-probability; a finished one
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
        return GreedyDecoding.decode(sources, maxLength, 256, group -> {
            decoder.rnnClearPreviousState();
            return encode(group.stream().map(Translator::nonEmpty).toList());     // [encoder outputs, summary]
        }, (tokens, enc) -> step(tokens, enc[1], enc[0]));
    }

    private record Hyp(List<Integer> tokens, double logp) {
        double normalized() {
            return logp / (tokens.size() + 1);          // + 1: the </s> it ended with (or will)
        }
    }

    /** Beam search with {@code k} beams for one sentence. */
    public int[] beam(int[] source, int k) {
        INDArray[] enc = encode(List.of(nonEmpty(source)));
        List<Hyp> live = new ArrayList<>(List.of(new Hyp(List.of(), 0)));
        List<Hyp> finished = new ArrayList<>();
        decoder.rnnClearPreviousState();
        for (int t = 0; t < maxLength && !live.isEmpty() && finished.size() < k; t++) {
            int l = live.size();
            INDArray tokens = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, l);
            for (int i = 0; i < l; i++) {
                List<Integer> tk = live.get(i).tokens();
                tokens.putScalar(i, tk.isEmpty() ? TokenVocabulary.BOS_ID : tk.get(tk.size() - 1));
            }
            INDArray summary = enc[1].repeat(0, l);
            INDArray encOut = config.attention() ? enc[0].repeat(0, l) : null;
            INDArray probs = step(tokens, summary, encOut);                                  // [L, Vt]
            // candidates: the k best continuations of every live hypothesis
            List<double[]> cand = new ArrayList<>();                                          // {score, parent, token}
            for (int i = 0; i < l; i++) {
                double[] p = probs.getRow(i).toDoubleVector();
                for (int tok : topK(p, k)) {
                    cand.add(new double[] {live.get(i).logp() + Math.log(Math.max(p[tok], 1e-30)), i, tok});
                }
            }
            cand.sort(Comparator.comparingDouble(c -> -c[0]));
            List<Hyp> next = new ArrayList<>();
            List<Integer> parents = new ArrayList<>();
            for (double[] c : cand) {
                if (next.size() + finished.size() >= k) {
                    break;
                }
                Hyp parent = live.get((int) c[1]);
                if ((int) c[2] == TokenVocabulary.EOS_ID) {
                    finished.add(new Hyp(parent.tokens(), c[0]));
                } else {
                    List<Integer> tk = new ArrayList<>(parent.tokens());
                    tk.add((int) c[2]);
                    next.add(new Hyp(tk, c[0]));
                    parents.add((int) c[1]);
                }
            }
            if (!next.isEmpty()) {
                // the decoder's state (every layer's) follows each survivor's parent
                int[] rows = parents.stream().mapToInt(Integer::intValue).toArray();
                for (String layer : decoderLayers) {
                    Map<String, INDArray> reordered = new LinkedHashMap<>();
                    decoder.rnnGetPreviousState(layer).forEach((key, v) -> reordered.put(key, Nd4j.pullRows(v, 1, rows)));
                    decoder.rnnSetPreviousState(layer, reordered);
                }
            }
            live = next;
        }
        decoder.rnnClearPreviousState();
        List<Hyp> pool = finished.isEmpty() ? live : finished;
        Hyp best = pool.stream().max(Comparator.comparingDouble(Hyp::normalized)).orElseThrow();
        return best.tokens().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The indices of the {@code k} largest values, largest first (one pass, no sort of the vocabulary). */
    static int[] topK(double[] p, int k) {
        int n = Math.min(k, p.length);
        int[] best = new int[n];
        int filled = 0;
        for (int j = 0; j < p.length; j++) {
            if (filled < n || p[j] > p[best[filled - 1]]) {
                int pos = filled < n ? filled++ : n - 1;
                while (pos > 0 && p[best[pos - 1]] < p[j]) {        // insertion into the sorted few
                    best[pos] = best[pos - 1];
                    pos--;
                }
                best[pos] = j;
            }
        }
        return best;
    }

    /** An empty source (all of it unknown or blank) is read as one {@code <unk>}. */
    private static int[] nonEmpty(int[] s) {
        return s.length == 0 ? new int[] {TokenVocabulary.UNK_ID} : s;
    }
}
