package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Gemm#product} equals ND4J's product for every storage order and transpose, on 1 and 2 threads. */
class GemmTest {

    private static INDArray rand(long r, long c, char order, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, r, c).subi(0.5).dup(order);
    }

    @Test
    void equalsNd4jForEveryOrderAndTranspose() {
        final int m = 37, k = 29, n = 53;               // odd sizes: unequal halves
        long seed = 1;
        for (char oa : new char[] {'c', 'f'}) {
            for (char ob : new char[] {'c', 'f'}) {
                for (char oc : new char[] {'c', 'f'}) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            INDArray a = ta ? rand(k, m, oa, seed++) : rand(m, k, oa, seed++);
                            INDArray b = tb ? rand(n, k, ob, seed++) : rand(k, n, ob, seed++);
                            INDArray expected = (ta ? a.transpose() : a).castTo(DataType.DOUBLE)
                                    .mmul((tb ? b.transpose() : b).castTo(DataType.DOUBLE));
                            for (int workers : new int[] {1, 2}) {
                                INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, oc).assign(Float.NaN);
                                assertTrue(Gemm.product(a, ta, b, tb, c, workers));
                                String what = oa + "" + ob + oc + " transA " + ta + " transB " + tb + " workers " + workers;
                                double diff = expected.sub(c.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
                                assertTrue(diff < 1e-5, what + ": max |difference| " + diff);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void viewsOfASlice() {
        INDArray big = rand(40, 30, 'f', 7);
        INDArray a = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 25), org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 13));
        INDArray b = rand(10, 8, 'c', 8);
        INDArray c = Nd4j.create(DataType.FLOAT, 20, 8);
        assertTrue(Gemm.product(a, false, b, false, c, 2));
        assertEquals(0, a.mmul(b).sub(c).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void refusesWhatBlasCannotRead() {
        INDArray d = Nd4j.rand(DataType.DOUBLE, 4, 4);
        assertFalse(Gemm.product(d, false, d, false, Nd4j.create(DataType.DOUBLE, 4, 4), 2));
    }
}
