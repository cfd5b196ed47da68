package io.github.lstmsuite.translate;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Beam search's candidate selection: the k best tokens equal the first k of a full sort. */
class TranslatorTest {
    @Test
    void topKEqualsTheFirstKOfASort() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(50);
            int from = r.nextInt(5);                                    // a row inside a larger array
            float[] p = new float[from + n + 3];
            for (int j = 0; j < p.length; j++) {
                p[j] = r.nextInt(4) == 0 ? 0.25f : r.nextFloat();        // ties too
            }
            int k = 1 + r.nextInt(8);
            int[] sorted = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(j -> -p[from + j]))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(sorted, io.github.lstmsuite.common.decode.BeamDecoding.topK(p, from, n, k), "trial " + trial);
        }
    }
}
