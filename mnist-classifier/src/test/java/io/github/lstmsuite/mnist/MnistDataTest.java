package io.github.lstmsuite.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.data.IdxReader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The bundled MNIST and its layout as DL4J sees it. */
class MnistDataTest {
    @Test
    void bundledMnistHasTheKnownCountsAndLabelHistogram() {
        MnistData.Splits s = MnistData.load(DatasetResolver.standard(), 60000, 0, 10000);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        int[] counts = new int[10];
        for (int l : s.test().labels()) {
            counts[l]++;
        }
        // data/mnist/SOURCE.md: test label counts 0–9
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts);
        assertEquals(7, s.test().labels()[0], "the first test digit is a 7");
    }

    @Test
    void validationIsHeldOutFromTheEndOfTheTrainingSet() {
        MnistData.Splits s = MnistData.load(DatasetResolver.standard(), 60000, 5000, 100);
        assertEquals(55000, s.train().size());
        assertEquals(5000, s.validation().size());
        assertEquals(100, s.test().size());
        assertThrows(UserException.class, () -> MnistData.load(DatasetResolver.standard(), 10, 60000, 10));
    }

    @Test
    void featuresAreBatchPixelsTimeWithRowsAsTimeSteps() {
        // a 2-image split whose pixel (i, r, c) = (i + 3r + 5c) mod 256
        byte[] px = new byte[2 * 784];
        for (int i = 0; i < 2; i++) {
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[(i * 28 + r) * 28 + c] = (byte) ((i + 3 * r + 5 * c) % 256);
                }
            }
        }
        MnistData.Split split = new MnistData.Split(new IdxReader.Images(2, 28, 28, px), new int[] {4, 9});
        DataSet ds = MnistData.batch(split, new int[] {1, 0});
        INDArray x = ds.getFeatures();
        assertArrayEquals(new long[] {2, 28, 28}, x.shape());       // [batch, features, time]
        // batch 0 is image 1; feature c = column, time t = row
        assertEquals((1 + 3 * 20 + 5 * 7) / 255f, x.getFloat(0, 7, 20), 1e-7);
        assertEquals((3 * 2 + 5 * 27) / 255f, x.getFloat(1, 27, 2), 1e-7);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, ds.getLabels().getRow(0).toFloatVector());
        assertEquals(4, ds.getLabels().getRow(1).argMax().getInt(0));
    }
}
