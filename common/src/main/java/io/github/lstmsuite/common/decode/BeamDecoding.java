package io.github.lstmsuite.common.decode;

import io.github.lstmsuite.common.text.TokenVocabulary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Beam search for an encoder–decoder, many sentences at once: every source keeps its {@code k} best partial
 * translations by total log-probability, and sources of one length take each decoder step together, as
 * one batch of {@code sources × k} rows (up to a row budget the caller sets). A hypothesis that produces {@code </s>} is finished; a source is done
 * when it has {@code k} finished ones or none left alive; the answer is the finished hypothesis with the best
 * log-probability per token. Decoding sources one by one gives the same translations; batching them only
 * removes the cost of a decoder call per source and step (the translator, beam 5: one call per step for 51
 * sources, 255 rows, instead of one per source).
 */
public final class BeamDecoding {
    private BeamDecoding() {
    }

    private record Hyp(List<Integer> tokens, double logp) {
        double normalized() {
            return logp / (tokens.size() + 1);          // + 1: the </s> it ended with (or will)
        }

        int last() {
            return tokens.isEmpty() ? TokenVocabulary.BOS_ID : tokens.get(tokens.size() - 1);
        }
    }

    /**
     * @param sources   token indices, without {@code <s>}/{@code </s>}
     * @param k         the beam width (1 or more)
     * @param maxRows   the most decoder rows per step: sources are decoded {@code max(1, maxRows / k)} at a time
     * @param encode    a group of sources of one length → what the decoder steps need, each array with one row
     *                  per source ({@code [B, …]}); it also resets the decoder's state
     * @param step      (previous tokens {@code [R]}, the encoded arrays with one row per decoder row) →
     *                  next-token probabilities {@code [R, V]}; it advances the decoder's state
     * @param reorder   makes decoder row {@code r} continue from the state of row {@code rows[r]} (every
     *                  layer's state; {@code rows} may be longer than the current batch)
     * @return the decoded token indices, in the order of {@code sources}, without {@code </s>}
     */
    public static List<int[]> decode(List<int[]> sources, int k, int maxLength, int maxRows,
                                     Function<List<int[]>, INDArray[]> encode,
                                     BiFunction<INDArray, INDArray[], INDArray> step, Consumer<int[]> reorder) {
        return decode(sources, k, maxLength, maxRows, true, encode, step, reorder);
    }

    /** As above; {@code byLength} false lets sources of any length share a group (the model pads and masks them). */
    public static List<int[]> decode(List<int[]> sources, int k, int maxLength, int maxRows, boolean byLength,
                                     Function<List<int[]>, INDArray[]> encode,
                                     BiFunction<INDArray, INDArray[], INDArray> step, Consumer<int[]> reorder) {
        if (k < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + k);
        }
        return GreedyDecoding.inGroups(sources, Math.max(1, maxRows / k), byLength,
                srcs -> decodeGroup(srcs, k, maxLength, encode.apply(srcs), step, reorder));
    }

    private static List<int[]> decodeGroup(List<int[]> srcs, int k, int maxLength, INDArray[] enc,
                                           BiFunction<INDArray, INDArray[], INDArray> step, Consumer<int[]> reorder) {
        final int b = srcs.size();
        List<List<Hyp>> live = new ArrayList<>();
        List<List<Hyp>> finished = new ArrayList<>();
        for (int g = 0; g < b; g++) {
            live.add(new ArrayList<>(List.of(new Hyp(List.of(), 0))));
            finished.add(new ArrayList<>());
        }
        // the encoded arrays with k rows per source (row g·k + j: source g), for every step after the first
        INDArray[] encK = new INDArray[enc.length];
        for (int i = 0; i < enc.length; i++) {
            encK[i] = enc[i] == null ? null : enc[i].repeat(0, k);
        }
        int perSource = 1;                                   // decoder rows per source: 1 at the first step, then k
        for (int t = 0; t < maxLength; t++) {
            INDArray tokens = Nd4j.create(DataType.FLOAT, (long) b * perSource);
            for (int g = 0; g < b; g++) {
                List<Hyp> l = live.get(g);
                for (int j = 0; j < perSource; j++) {       // rows past a source's live hypotheses are idle
                    tokens.putScalar((long) g * perSource + j, j < l.size() ? l.get(j).last() : TokenVocabulary.BOS_ID);
                }
            }
            INDArray probs = step.apply(tokens, perSource == 1 ? enc : encK);               // [b·perSource, V]
            int vocab = (int) probs.size(1);
            float[] p = probs.dup('c').data().asFloat();     // all rows at once: row r at r·V (one copy per step)
            int[] rows = new int[b * k];
            boolean anyLive = false;
            for (int g = 0; g < b; g++) {
                List<Hyp> l = live.get(g);
                List<Hyp> fin = finished.get(g);
                List<Hyp> next = new ArrayList<>();
                List<Integer> parents = new ArrayList<>();
                if (!l.isEmpty() && fin.size() < k) {
                    // candidates: the k best continuations of every live hypothesis
                    List<double[]> cand = new ArrayList<>();                                      // {score, parent, token}
                    for (int i = 0; i < l.size(); i++) {
                        int row = (g * perSource + i) * vocab;
                        for (int tok : topK(p, row, vocab, k)) {
                            cand.add(new double[] {l.get(i).logp() + Math.log(Math.max(p[row + tok], 1e-30)), i, tok});
                        }
                    }
                    cand.sort(Comparator.comparingDouble(c -> -c[0]));
                    for (double[] c : cand) {
                        if (next.size() + fin.size() >= k) {
                            break;
                        }
                        Hyp parent = l.get((int) c[1]);
                        if ((int) c[2] == TokenVocabulary.EOS_ID) {
                            fin.add(new Hyp(parent.tokens(), c[0]));
                        } else {
                            List<Integer> tk = new ArrayList<>(parent.tokens());
                            tk.add((int) c[2]);
                            next.add(new Hyp(tk, c[0]));
                            parents.add((int) c[1]);
                        }
                    }
                    if (fin.size() >= k) {
                        next.clear();                          // done: k finished translations
                        parents.clear();
                    }
                }
                // this source's decoder rows follow their parents (idle rows copy the first row)
                for (int j = 0; j < k; j++) {
                    rows[g * k + j] = g * perSource + (j < parents.size() ? parents.get(j) : 0);
                }
                live.set(g, next);                                 // empty: this source is done
                anyLive |= !next.isEmpty();
            }
            if (!anyLive) {
                break;
            }
            reorder.accept(rows);
            perSource = k;
        }
        List<int[]> out = new ArrayList<>();
        for (int g = 0; g < b; g++) {
            List<Hyp> pool = finished.get(g).isEmpty() ? live.get(g) : finished.get(g);
            Hyp best = pool.stream().max(Comparator.comparingDouble(Hyp::normalized)).orElseThrow();
            out.add(best.tokens().stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * The indices (from {@code from}) of the {@code k} largest of {@code p[from, from + n)}, largest first
     * (one pass, no sort of the vocabulary).
     */
    public static int[] topK(float[] p, int from, int n, int k) {
        int m = Math.min(k, n);
        int[] best = new int[m];
        int filled = 0;
        for (int j = 0; j < n; j++) {
            float v = p[from + j];
            if (filled < m || v > p[from + best[filled - 1]]) {
                int pos = filled < m ? filled++ : m - 1;
                while (pos > 0 && p[from + best[pos - 1]] < v) {        // insertion into the sorted few
                    best[pos] = best[pos - 1];
                    pos--;
                }
                best[pos] = j;
            }
        }
        return best;
    }
}
