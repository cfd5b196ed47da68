package io.github.lstmsuite.common.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    /** Lengths 1–15 drawn at random, as short sentences are: most batches of random examples hold a long one. */
    private static int[] lengths(int n) {
        Random r = new Random(3);
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1 + r.nextInt(5) + r.nextInt(5) + (r.nextInt(10) == 0 ? r.nextInt(6) : 0);
        }
        return len;
    }

    /** Padded steps over real steps: every example padded to its batch's longest. */
    private static double paddedOverReal(int[][] batches, int[] len) {
        long padded = 0, real = 0;
        for (int[] b : batches) {
            int max = Arrays.stream(b).map(i -> len[i]).max().orElse(0);
            padded += (long) max * b.length;
            real += Arrays.stream(b).map(i -> len[i]).sum();
        }
        return (double) padded / real;
    }

    @Test
    void everyExampleOnceInFullBatchesAndLittlePadding() {
        int n = 5_000, batch = 64;
        int[] len = lengths(n);
        int[][] batches = LengthBuckets.batches(len, batch, LengthBuckets.POOL_BATCHES, new Random(11));
        assertEquals((n + batch - 1) / batch, batches.length);
        boolean[] seen = new boolean[n];
        int partial = 0;
        for (int[] b : batches) {
            partial += b.length < batch ? 1 : 0;
            for (int i : b) {
                assertFalse(seen[i], "example " + i + " twice");
                seen[i] = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
        assertTrue(partial <= 1, partial + " partial batches");      // 5,000 = one pool of 3,200 + 1,800: one partial
        double bucketed = paddedOverReal(batches, len);
        double shuffled = paddedOverReal(LengthBuckets.batches(len, batch, 1, new Random(11)), len);
        assertTrue(shuffled > 1.4, "random batches pad " + shuffled);
        assertTrue(bucketed < 1.05, "bucketed batches pad " + bucketed);
    }

    @Test
    void theSameDrawGivesTheSameBatchesAndAnotherDrawOthers() {
        int[] len = lengths(1_000);
        int[][] a = LengthBuckets.batches(len, 32, 10, new Random(5));
        int[][] b = LengthBuckets.batches(len, 32, 10, new Random(5));
        int[][] c = LengthBuckets.batches(len, 32, 10, new Random(6));
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        assertFalse(Arrays.deepEquals(a, c));
        // the batches come in random order, not sorted by length (then every epoch would start with the shortest)
        int ascending = 0;
        for (int i = 1; i < a.length; i++) {
            ascending += len[a[i][0]] >= len[a[i - 1][0]] ? 1 : 0;
        }
        assertTrue(ascending < a.length - 5, ascending + " of " + (a.length - 1) + " batch starts ascending");
    }
}
