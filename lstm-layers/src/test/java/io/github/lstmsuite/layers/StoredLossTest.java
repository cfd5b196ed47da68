package io.github.lstmsuite.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output layers' kept loss: given once, and only for the very arrays it was computed from. */
class StoredLossTest {
    @Test
    void givenOnceForTheSameArraysOnly() {
        INDArray x = Nd4j.ones(2, 3), y = Nd4j.zeros(2, 1), equalButOther = Nd4j.ones(2, 3);
        StoredLoss s = new StoredLoss();
        assertTrue(Double.isNaN(s.take(x, y)), "nothing kept yet");
        s.keep(x, y, 4.5);
        assertEquals(4.5, s.take(x, y), 0);
        assertTrue(Double.isNaN(s.take(x, y)), "given out once");
        s.keep(x, y, 4.5);
        assertTrue(Double.isNaN(s.take(equalButOther, y)), "another input array, even with equal values");
        s.keep(x, y, 4.5);
        s.clear();
        assertTrue(Double.isNaN(s.take(x, y)), "cleared");
    }
}
