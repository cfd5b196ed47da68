package io.github.lstmsuite.common.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Theta method against its definition and against R's {@code forecast::thetaf}, the reference implementation. The
 * R check needs {@code Rscript} with the forecast package ({@code apt-get install r-base-core r-cran-forecast}): CI
 * installs them, so there it must run; elsewhere it is skipped when R is missing.
 */
class ThetaTest {
    @Test
    void onAStraightLineItFollowsTheLineAtHalfItsSlopePlusTheLevel() {
        double[] y = new double[40];
        for (int t = 0; t < 40; t++) {
            y[t] = 10 + 2 * t;
        }
        Theta.Fit fit = Theta.fit(y, 1);
        assertTrue(fit.alpha() > 0.99, "a line is followed with α near 1: " + fit.alpha());
        assertEquals(y[39], fit.level(), 0.05);
        double[] f = Theta.forecast(y, 1, 5);
        for (int k = 0; k < 5; k++) {               // ℓ + b/2 · (k + (1 − (1 − α)^n)/α) with b = 2, α ≈ 1
            assertEquals(y[39] + (k + 1), f[k], 0.1, "step " + (k + 1));
        }
    }

    @Test
    void theBestInitialLevelIsTheLeastSquaresOne() {
        double[] x = {3, 5, 4, 6, 5, 7, 6, 8};
        double a = 0.3;
        double best = Theta.sse(x, a)[0];
        for (double l0 : new double[] {2, 3, 4, 5, 6}) {     // any other start does no better
            double level = l0;
            double sse = 0;
            for (double v : x) {
                sse += (v - level) * (v - level);
                level += a * (v - level);
            }
            assertTrue(sse >= best - 1e-9, "ℓ₀ = " + l0 + ": " + sse + " < " + best);
        }
    }

    @Test
    void aSeasonalSeriesIsAdjustedByItsMultiplicativeIndices() throws IOException {
        double[] y = RReference.airpassengers();
        assertTrue(Theta.seasonal(y, 12));
        double[] idx = Theta.multiplicativeIndices(y, 12);
        double mean = 0;
        for (double s : idx) {
            mean += s / 12;
        }
        assertEquals(1.0, mean, 1e-12);
        assertTrue(idx[6] > 1.15 && idx[10] < 0.85, "July high, November low: " + java.util.Arrays.toString(idx));
        double[] white = new double[60];
        java.util.Random r = new java.util.Random(3);
        for (int t = 0; t < 60; t++) {
            white[t] = 100 + r.nextGaussian();
        }
        assertFalse(Theta.seasonal(white, 12), "noise has no season");
    }

    @Test
    void asAForecasterItIsRefittedAtEachOriginOrEveryRthOnALongSeries() throws IOException {
        double[] y = RReference.airpassengers();
        TimeSeries s = TimeSeries.of("airpassengers", y);
        int[] origins = {131, 119, 120, 125};                 // any order
        double[][] f = new Theta(12).forecast(s, origins, 12);
        for (int i = 0; i < origins.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(Theta.forecast(java.util.Arrays.copyOf(y, origins[i] + 1), 12, 12), f[i], 1e-9,
                    "origin " + origins[i] + ": thetaf on everything up to it");
        }
        // a budget of 4 × 132 values: a fit at origins 119 and 125 (every 2nd in time order), the level updated for 120 and 131
        double[][] g = new Theta(12, 4 * 132 / 2).forecast(s, origins, 12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(f[1], g[1], 1e-9);
        org.junit.jupiter.api.Assertions.assertArrayEquals(f[3], g[3], 1e-9);
        Theta.Fit fit = Theta.fit(java.util.Arrays.copyOf(y, 126), 12);
        double level = fit.level();
        for (int t = 126; t <= 131; t++) {
            level += fit.alpha() * (fit.adjust(y[t], t) - level);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(fit.forecast(level, 132, 12), g[0], 1e-9, "updated from the fit at 125");
        // no look-ahead: changing a value after an origin changes nothing at it
        double[] z = y.clone();
        z[127] += 500;
        org.junit.jupiter.api.Assertions.assertArrayEquals(g[3], new Theta(12, 4 * 132 / 2).forecast(TimeSeries.of("z", z), origins, 12)[3], 0);
    }

    /**
     * Forecasts from eight origins of airpassengers (non-seasonal ones from the first 30 and 36 months, seasonal ones
     * from 48 to 140), 12 steps each, equal to R's within 0.01 % (measured: 3 × 10⁻⁶ at most): R fits α and ℓ₀ with Nelder–Mead from a
     * heuristic start, which stops near the least-squares optimum this class finds exactly, so the two differ in the last
     * digits of α.
     */
    @Test
    void agreesWithRsThetaf(@TempDir Path tmp) throws Exception {
        RReference.require();
        double[] y = RReference.airpassengers();
        int[] origins = {30, 36, 48, 60, 96, 120, 132, 140};
        List<String> out = RReference.script(tmp, y, """
                for (o in c(%s)) cat(o, format(as.numeric(thetaf(ts(y[1:o], frequency = 12), h = 12)$mean), digits = 12), "\\n")
                """.formatted(java.util.Arrays.toString(origins).replaceAll("[\\[\\]]", "")));
        assertEquals(origins.length, out.size(), String.join("\n", out));
        double worst = 0;
        for (int i = 0; i < origins.length; i++) {
            String[] f = out.get(i).trim().split("\\s+");
            assertEquals(origins[i], Integer.parseInt(f[0]));
            double[] ours = Theta.forecast(java.util.Arrays.copyOf(y, origins[i]), 12, 12);
            for (int k = 0; k < 12; k++) {
                double theirs = Double.parseDouble(f[k + 1]);
                worst = Math.max(worst, Math.abs(ours[k] - theirs) / theirs);
                assertEquals(theirs, ours[k], 1e-4 * theirs, "origin " + origins[i] + ", step " + (k + 1));
            }
        }
        System.out.printf("Theta against R's thetaf: largest relative difference %.2e%n", worst);
    }

    /**
     * A run of more than a period of zeros (a sunspot minimum) makes the decomposition's trend 0 there, so 0 / 0 ratios:
     * R's {@code decompose} leaves them out of the seasonal means ({@code na.rm = TRUE}) and so does the suite.
     */
    @Test
    void aRunOfZerosLeavesTheSeasonalIndicesFiniteAsInR(@TempDir Path tmp) throws Exception {
        double[] y = new double[60 + 14 + 60];
        for (int t = 0; t < y.length; t++) {
            y[t] = t >= 60 && t < 74 ? 0 : 10 + 6 * Math.sin(2 * Math.PI * t / 12) + 0.02 * t;
        }
        double[] ours = Theta.forecast(y, 12, 12);
        assertTrue(java.util.Arrays.stream(ours).allMatch(Double::isFinite), java.util.Arrays.toString(ours));
        assertTrue(Theta.seasonalIndex(y, 12) != null, "seasonal, with finite indices");
        RReference.require();
        List<String> out = RReference.script(tmp, y, """
                cat(format(as.numeric(thetaf(ts(y, frequency = 12), h = 12)$mean), digits = 12), "\n")
                """);
        String[] f = out.get(0).trim().split("\\s+");
        for (int k = 0; k < 12; k++) {
            double theirs = Double.parseDouble(f[k]);
            assertEquals(theirs, ours[k], 1e-4 * Math.abs(theirs), "step " + (k + 1));
        }
    }
}
