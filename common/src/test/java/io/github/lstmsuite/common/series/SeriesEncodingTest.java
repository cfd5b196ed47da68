package io.github.lstmsuite.common.series;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Windows: shapes, alignment of inputs and targets, no leakage out of the training part. */
class SeriesEncodingTest {
    /** y = 1, 2, 3, …: every value names its own row. */
    private static TimeSeries ramp(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i + 1;
        }
        return TimeSeries.of("ramp", y);
    }

    @Test
    void windowShapesAndAlignmentWithLevels() {
        TimeSeries s = ramp(60);
        int trainEnd = 40;
        SeriesEncoding enc = SeriesEncoding.fit(s, trainEnd, false, false);
        WindowBatches wb = new WindowBatches(enc, s, trainEnd, 10, 3, 8, 5, 7);
        assertEquals(40 - 3 - 10 + 1, wb.windows());
        DataSet b = wb.batch(0, 0);
        assertArrayEquals(new long[] {8, 1, 10}, b.getFeatures().shape());     // [batch, channels, time]
        assertArrayEquals(new long[] {8, 3, 10}, b.getLabels().shape());       // [batch, outputs, time]
        assertArrayEquals(new long[] {8, 10}, b.getLabelsMaskArray().shape());
        for (int j = 0; j < 8; j++) {
            for (int t = 0; t < 10; t++) {
                double level = enc.zMean() + b.getFeatures().getDouble(j, 0, t) * enc.zStd();   // = row + 1
                for (int k = 1; k <= 3; k++) {
                    double target = enc.zFromOutput(0, k, b.getLabels().getDouble(j, k - 1, t));
                    assertEquals(level + k, target, 1e-4, "the label k steps ahead is the value k rows later");
                    assertTrue(target <= trainEnd, "a label outside the training part: row " + target);
                }
                assertEquals(t < 10 / 4 ? 0.0 : 1.0, b.getLabelsMaskArray().getDouble(j, t));
            }
        }
        assertEquals(10 - 10 / 4, wb.stepsPerExample(b));
    }

    @Test
    void differencedChannelsAndDriftTargets() {
        double[] y = {1, 2, 4, 7, 11, 16, 22, 29, 37, 46, 56, 67, 79, 92, 106};
        TimeSeries s = TimeSeries.of("q", y);
        SeriesEncoding enc = SeriesEncoding.fit(s, 12, false, true);
        double[] z = enc.z(y);
        assertEquals(2, enc.channels());
        // change at t = 5: 16 − 11 = 5
        assertEquals(5, enc.input(z, s.features(), 5, 0) * enc.dStd() + enc.dMean(), 1e-9);
        assertEquals(16, enc.input(z, s.features(), 5, 1) * enc.zStd() + enc.zMean(), 1e-9);
        // target 3 steps after t = 5 is y[8] = 37; inverting gives it back
        assertEquals(37, enc.zFromOutput(z[5], 3, enc.target(z, 5, 3)), 1e-9);
        // an output of 0 is the drift forecast: last value + k · mean change
        assertEquals(16 + 3 * enc.dMean(), enc.zFromOutput(16, 3, 0), 1e-12);
        SeriesEncoding logged = SeriesEncoding.fit(s, 12, true, true);
        assertEquals(Math.log(37), logged.z(y)[8], 1e-12);
        assertEquals(37, logged.y(logged.z(y)[8]), 1e-9);
    }

    @Test
    void theEncodingNeverSeesValuesAfterTheTrainingPart() {
        TimeSeries s = ramp(60);
        double[] changed = s.target().clone();
        for (int i = 40; i < 60; i++) {
            changed[i] = 1e6 * (i % 3);
        }
        SeriesEncoding a = SeriesEncoding.fit(s, 40, true, true);
        SeriesEncoding b = SeriesEncoding.fit(TimeSeries.of("changed", changed), 40, true, true);
        assertEquals(a, new SeriesEncoding(b.log(), b.diff(), b.zMean(), b.zStd(), b.dMean(), b.dStd(), a.featMean(), a.featStd()));
        assertEquals(a.zMean(), b.zMean(), 0);
        assertEquals(a.dStd(), b.dStd(), 0);
    }

    @Test
    void batchesArePureFunctionsOfEpochAndIndex() {
        TimeSeries s = ramp(80);
        SeriesEncoding enc = SeriesEncoding.fit(s, 60, false, true);
        WindowBatches a = new WindowBatches(enc, s, 60, 12, 2, 4, 3, 11);
        WindowBatches b = new WindowBatches(enc, s, 60, 12, 2, 4, 3, 11);
        assertEquals(a.batch(2, 1).getFeatures(), b.batch(2, 1).getFeatures());
        assertTrue(!a.batch(0, 0).getFeatures().equals(a.batch(1, 0).getFeatures()), "epochs reshuffle");
    }
}
