package io.github.lstmsuite.common.series;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics, baselines, rolling origins, intervals and period detection against hand-computed values. */
class SeriesMathTest {
    @Test
    void metricsByHand() {
        double[][] a = {{1, 2}, {4, 0}};
        double[][] f = {{2, 2}, {1, 0}};
        ForecastMetrics.Scores s = ForecastMetrics.score(a, f, 2.0);
        assertEquals((1 + 0 + 3 + 0) / 4.0, s.mae(), 1e-12);
        assertEquals(Math.sqrt((1 + 0 + 9 + 0) / 4.0), s.rmse(), 1e-12);
        // sMAPE: 200·1/3, 0, 200·3/5, and 0 for A = F = 0
        assertEquals((200.0 / 3 + 0 + 120 + 0) / 4, s.smape(), 1e-12);
        assertEquals(1.0 / 2.0, s.mase(), 1e-12);
        // MASE scale: mean |y[t] − y[t−2]| over the first 5 values
        double[] y = {1, 5, 2, 9, 3, 100};
        assertEquals((1 + 4 + 1) / 3.0, ForecastMetrics.maseScale(y, 5, 2), 1e-12);
        assertEquals((4 + 3 + 7 + 6) / 4.0, ForecastMetrics.maseScale(y, 5, 1), 1e-12);
    }

    @Test
    void baselinesOnATinySeries() {
        TimeSeries s = TimeSeries.of("tiny", new double[] {1, 2, 3, 10, 20, 30, 0, 0});
        int[] origins = {5};
        assertArrayEquals(new double[] {30, 30, 30, 30}, Baselines.naive().forecast(s, origins, 4)[0]);
        // period 3: y[3..5] = 10, 20, 30 repeat
        assertArrayEquals(new double[] {10, 20, 30, 10}, Baselines.seasonalNaive(3).forecast(s, origins, 4)[0]);
        // drift: slope (30 − 1) / 5
        assertArrayEquals(new double[] {30 + 5.8, 30 + 11.6}, Baselines.drift().forecast(s, origins, 2)[0], 1e-12);
        assertArrayEquals(new double[] {11, 11}, Baselines.mean().forecast(s, origins, 2)[0], 1e-12);
    }

    @Test
    void rollingOriginsLandInsideTheEvaluatedPart() {
        // part [6, 10), horizon 3: origins 5 (→ 6..8) and 6 (→ 7..9)
        assertArrayEquals(new int[] {5, 6}, RollingOrigin.origins(6, 10, 3));
        TimeSeries s = TimeSeries.of("s", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        RollingOrigin.Result r = RollingOrigin.evaluate(Baselines.naive(), s, 6, 10, 3, 1.0);
        assertArrayEquals(new double[] {6, 7, 8}, r.actual()[0]);
        assertArrayEquals(new double[] {5, 5, 5}, r.predicted()[0]);
        assertEquals((1 + 2 + 3) / 3.0, r.scores().mae(), 1e-12);
    }

    @Test
    void residualIntervalsCoverIidNoiseAtTheirLevels() {
        Random rnd = new Random(1);
        double[][] calib = new double[4000][3];
        double[][] actual = new double[4000][3];
        double[][] zero = new double[4000][3];
        for (int i = 0; i < 4000; i++) {
            for (int k = 0; k < 3; k++) {
                calib[i][k] = rnd.nextGaussian() * (k + 1);        // wider further ahead
                actual[i][k] = rnd.nextGaussian() * (k + 1);
            }
        }
        Intervals iv = Intervals.fit(calib, 0.8, 0.95);
        assertEquals(0.80, iv.coverage(0, actual, zero), 0.02);
        assertEquals(0.95, iv.coverage(1, actual, zero), 0.01);
        assertEquals(-1.2816 * 3, iv.lower()[0][2], 0.25);        // the N(0, 3²) 10 % quantile
        assertEquals(1.96, iv.upper()[1][0], 0.15);
        assertEquals(2.5, Intervals.quantile(new double[] {1, 2, 3, 4}, 0.5), 1e-12);
    }

    @Test
    void conformalIntervalsHoldTheirLevelWithFewOriginsWherePerStepQuantilesFallShort() {
        // 12 calibration origins × 12 steps, errors growing with the step: a short validation part
        Random rnd = new Random(7);
        int trials = 400;
        double[] perStep = new double[2];
        double[] pooled = new double[2];
        for (int t = 0; t < trials; t++) {
            double[][] calib = new double[12][12];
            double[][] actual = new double[200][12];
            for (double[] row : calib) {
                for (int k = 0; k < 12; k++) {
                    row[k] = rnd.nextGaussian() * Math.sqrt(k + 1);
                }
            }
            for (double[] row : actual) {
                for (int k = 0; k < 12; k++) {
                    row[k] = rnd.nextGaussian() * Math.sqrt(k + 1);
                }
            }
            double[][] zero = new double[200][12];
            Intervals a = Intervals.fit(calib, 0.8, 0.95);
            Intervals b = Intervals.conformal(calib, 0.8, 0.95);
            for (int l = 0; l < 2; l++) {
                perStep[l] += a.coverage(l, actual, zero) / trials;
                pooled[l] += b.coverage(l, actual, zero) / trials;
            }
        }
        assertEquals(0.80, pooled[0], 0.03, "conformal 80 %");
        assertEquals(0.95, pooled[1], 0.02, "conformal 95 %");
        assertTrue(perStep[1] < 0.90, "per-step quantiles of 12 origins undercover at 95 %: " + perStep[1]);
        Intervals c = Intervals.conformal(new double[][] {{1, -2}, {-1, 4}}, 0.5);
        assertTrue(c.upper()[0][1] >= c.upper()[0][0] && c.lower()[0][0] == -c.upper()[0][0], "symmetric, widening");
    }

    @Test
    void periodDetection() {
        Random rnd = new Random(3);
        double[] seasonal = new double[240];
        double[] noise = new double[240];
        for (int t = 0; t < 240; t++) {
            seasonal[t] = 0.05 * t + Math.sin(2 * Math.PI * t / 12) + 0.2 * rnd.nextGaussian();
            noise[t] = rnd.nextGaussian();
        }
        assertEquals(12, Periods.detect(seasonal, 240));
        assertEquals(1, Periods.detect(noise, 240));
        assertEquals(365, Periods.snap(351, 7, 365));
        assertEquals(127, Periods.snap(127, 12));
    }
}
