package io.github.lstmsuite.common.text;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One mini-batch of an encoder–decoder trained with teacher forcing, as DL4J's {@link MultiDataSet} for a
 * two-input graph, padded to the longest sentence of the batch, with masks:
 * <pre>
 *   features[0] source      [B, 1, Ts]  token indices          mask [B, Ts]
 *   features[1] target in   [B, 1, Tt]  &lt;s&gt; y1 … yn        mask [B, Tt]   (the true previous token)
 *   labels      target out  [B, 1, Tt]  y1 … yn &lt;/s&gt;       mask [B, Tt]
 * </pre>
 * Tokens are {@link TokenVocabulary} indices without {@code <s>}/{@code </s>}; {@code Tt} is the longest target + 1.
 * The translator and the {@code seq2seq} project template both batch their pairs with it.
 */
public final class PairBatch {
    private PairBatch() {
    }

    /** The batch of {@code sources[i] → targets[i]}. */
    public static MultiDataSet encode(List<int[]> sources, List<int[]> targets) {
        int b = sources.size();
        int ts = Math.max(1, sources.stream().mapToInt(s -> s.length).max().orElse(1));
        int tt = targets.stream().mapToInt(t -> t.length).max().orElse(0) + 1;
        float[] src = new float[b * ts];
        float[] srcMask = new float[b * ts];
        float[] tin = new float[b * tt];
        float[] lab = new float[b * tt];
        float[] tMask = new float[b * tt];
        for (int i = 0; i < b; i++) {
            int[] s = sources.get(i);
            int[] t = targets.get(i);
            for (int k = 0; k < s.length; k++) {
                src[i * ts + k] = s[k];
                srcMask[i * ts + k] = 1;
            }
            for (int k = 0; k <= t.length; k++) {
                tin[i * tt + k] = k == 0 ? TokenVocabulary.BOS_ID : t[k - 1];
                lab[i * tt + k] = k < t.length ? t[k] : TokenVocabulary.EOS_ID;
                tMask[i * tt + k] = 1;
            }
        }
        INDArray[] features = {Nd4j.create(src, new long[] {b, 1, ts}, 'c'), Nd4j.create(tin, new long[] {b, 1, tt}, 'c')};
        INDArray[] fMasks = {Nd4j.create(srcMask, new long[] {b, ts}, 'c'), Nd4j.create(tMask, new long[] {b, tt}, 'c')};
        INDArray[] labels = {Nd4j.create(lab, new long[] {b, 1, tt}, 'c')};
        return new MultiDataSet(features, labels, fMasks, new INDArray[] {fMasks[1].dup()});
    }
}
