package io.github.lstmsuite.common.decode;

import io.github.lstmsuite.common.text.TokenVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Greedy decoding of an encoder–decoder: the likeliest token at each step, fed back, until {@code </s>} or
 * {@code maxLength} tokens. Sources of one length are decoded together (no padding, so no masks); the
 * model supplies how to encode such a group and how to take one decoder step. The translator and the
 * {@code seq2seq} project template both decode with it.
 */
public final class GreedyDecoding {
    private GreedyDecoding() {
    }

    /**
     * @param sources   token indices, without {@code <s>}/{@code </s>}
     * @param groupSize the most sources decoded together
     * @param encode    a group of sources of one length → whatever the decoder steps need (e.g. the summary
     *                  {@code [B, H]}, and the encoder outputs for attention); it also resets the decoder's state
     * @param step      (previous tokens {@code [B]}, what {@code encode} returned) → next-token probabilities {@code [B, V]}
     * @return the decoded token indices, in the order of {@code sources}, without {@code </s>}
     */
    public static List<int[]> decode(List<int[]> sources, int maxLength, int groupSize,
                                     Function<List<int[]>, INDArray[]> encode, BiFunction<INDArray, INDArray[], INDArray> step) {
        return decode(sources, maxLength, groupSize, true, encode, step);
    }

    /** As above; {@code byLength} false lets sources of any length share a group (the model pads and masks them). */
    public static List<int[]> decode(List<int[]> sources, int maxLength, int groupSize, boolean byLength,
                                     Function<List<int[]>, INDArray[]> encode, BiFunction<INDArray, INDArray[], INDArray> step) {
        return inGroups(sources, groupSize, byLength, srcs -> {
            INDArray[] enc = encode.apply(srcs);
            int b = srcs.size();
            INDArray tokens = Nd4j.valueArrayOf(new long[] {b}, (float) TokenVocabulary.BOS_ID);
            List<List<Integer>> outs = new ArrayList<>();
            boolean[] done = new boolean[b];
            for (int i = 0; i < b; i++) {
                outs.add(new ArrayList<>());
            }
            for (int t = 0; t < maxLength; t++) {
                INDArray next = step.apply(tokens, enc).argMax(1);                    // [B]
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    int tok = next.getInt(i);
                    if (!done[i]) {
                        if (tok == TokenVocabulary.EOS_ID) {
                            done[i] = true;
                        } else {
                            outs.get(i).add(tok);
                        }
                    }
                    all &= done[i];
                }
                if (all) {
                    break;
                }
                tokens = next.castTo(DataType.FLOAT);
            }
            List<int[]> out = new ArrayList<>();
            outs.forEach(o -> out.add(o.stream().mapToInt(Integer::intValue).toArray()));
            return out;
        });
    }

    /**
     * Runs {@code decodeGroup} on the sources grouped by length (at least 1), at most {@code groupSize} per
     * group, and puts its answers back in the order of {@code sources}. Both decoders share it.
     */
    static List<int[]> inGroups(List<int[]> sources, int groupSize, Function<List<int[]>, List<int[]>> decodeGroup) {
        return inGroups(sources, groupSize, true, decodeGroup);
    }

    /**
     * As {@link #inGroups(List, int, Function)}; with {@code byLength} false, sources of any length share a group
     * (in input order; the model's {@code encode} then pads them and masks the padding).
     */
    static List<int[]> inGroups(List<int[]> sources, int groupSize, boolean byLength, Function<List<int[]>, List<int[]>> decodeGroup) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < sources.size(); i++) {
            groups.computeIfAbsent(byLength ? Math.max(1, sources.get(i).length) : 0, k -> new ArrayList<>()).add(i);
        }
        int[][] result = new int[sources.size()][];
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += groupSize) {
                List<Integer> idx = group.subList(from, Math.min(group.size(), from + groupSize));
                List<int[]> out = decodeGroup.apply(idx.stream().map(sources::get).toList());
                for (int i = 0; i < idx.size(); i++) {
                    result[idx.get(i)] = out.get(i);
                }
            }
        }
        return List.of(result);
    }
}
