package io.github.lstmsuite.common.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.data.DatasetResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ETS: known cases by hand, the optimiser and root finder it relies on, and R's forecast package on real series. */
class EtsTest {
    /** A bundled CSV's column as numbers. */
    private static double[] column(String file, int col) throws IOException {
        List<String> lines = Files.readAllLines(DatasetResolver.findBundledDir().resolve("timeseries/" + file));
        return lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[col])).toArray();
    }

    @Test
    void aTrendWithAnAdditiveSeasonIsFoundAndContinued() {
        double[] y = new double[96];
        for (int t = 0; t < y.length; t++) {
            y[t] = 50 + 0.5 * t + 8 * Math.sin(2 * Math.PI * t / 12) + 0.3 * Math.cos(1.7 * t * t);   // deterministic wiggle
        }
        Ets.Fit fit = Ets.fit(Arrays.copyOf(y, 84), 12);
        assertEquals('A', fit.model().trend(), fit.model().toString());
        assertTrue(fit.model().season() != 'N', fit.model().toString());
        double[] f = fit.forecast(Arrays.copyOf(y, 84), 12);
        for (int k = 0; k < 12; k++) {
            double truth = 50 + 0.5 * (84 + k) + 8 * Math.sin(2 * Math.PI * (84 + k) / 12);
            assertEquals(truth, f[k], 1.5, "step " + (k + 1));            // the wiggle is ±0.3
        }
    }

    @Test
    void aConstantSeriesIsForecastConstantAndTooFewValuesAreRefused() {
        double[] flat = new double[30];
        Arrays.fill(flat, 7.5);
        assertArrayEquals(new double[] {7.5, 7.5, 7.5}, Ets.fit(flat, 12).forecast(flat, 3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Ets.fit(new double[] {1, 2, 3}, 1));
        assertThrows(IllegalArgumentException.class, () -> new Ets(0));
    }

    @Test
    void asAForecasterItRefitsAtEveryOriginOrEveryRthOneAndNeverLooksAhead() throws IOException {
        double[] y = RReference.airpassengers();
        int[] origins = {131, 125, 128, 126};
        TimeSeries air = TimeSeries.of("air", y);
        double[][] f = new Ets(12).forecast(air, origins, 12);
        for (int i = 0; i < origins.length; i++) {
            double[] history = Arrays.copyOf(y, origins[i] + 1);
            assertArrayEquals(Ets.fit(history, 12).forecast(history, 12), f[i], 1e-9, "origin " + origins[i]);
        }
        // a budget of 2 refits: fitted at 125 and 128 (in time order), the fit at 125 run on to 126 and the one at 128 to 131
        double[][] g = new Ets(12, 4 * 144 / 2).forecast(air, origins, 12);
        Ets.Fit at125 = Ets.fit(Arrays.copyOf(y, 126), 12);
        Ets.Fit at128 = Ets.fit(Arrays.copyOf(y, 129), 12);
        assertArrayEquals(at125.forecast(Arrays.copyOf(y, 127), 12), g[3], 1e-9);
        assertArrayEquals(at128.forecast(Arrays.copyOf(y, 132), 12), g[0], 1e-9);
        double[] z = y.clone();
        z[129] += 300;                                                      // after origin 128
        assertArrayEquals(g[2], new Ets(12, 4 * 144 / 2).forecast(TimeSeries.of("z", z), origins, 12)[2], 0);
    }

    @Test
    void nelderMeadFindsRosenbrocksMinimumAndRootsHaveTheirModuli() {
        double[] x = NelderMead.minimise(p -> 100 * Math.pow(p[1] - p[0] * p[0], 2) + Math.pow(1 - p[0], 2), new double[] {-1.2, 1}, 2000);
        assertEquals(1, x[0], 1e-3);
        assertEquals(1, x[1], 2e-3);
        assertEquals(0.5, Polynomials.largestRootModulus(new double[] {1, 0, -0.25}), 1e-12);      // z² − 1/4
        assertEquals(1, Polynomials.largestRootModulus(new double[] {1, 0, 1}), 1e-12);            // z² + 1: ±i
        assertEquals(3, Polynomials.largestRootModulus(new double[] {2, -8, 6}), 1e-10);           // 2(z − 1)(z − 3)
        assertEquals(Math.cbrt(2), Polynomials.largestRootModulus(new double[] {1, 0, 0, 2}), 1e-10); // z³ + 2
        // warm starts, as the ETS search makes them: from real roots to a complex pair, to roots near the last ones, to
        // another degree (a cold start); each the answer of a cold start
        Polynomials.Roots warm = new Polynomials.Roots();
        double[][] chain = {{1, 0, -0.25}, {1, 0, 1}, {1, 0.01, 1.02}, {1, -8.0 / 2, 6.0 / 2}, {1, 0, 0, 2},
            {1, 0.3, -0.2, 0.9, 0.5, -0.1, 0.05, 0.2, -0.3, 0.1, 0.02, -0.4, 0.7, 0.35}};
        for (double[] c : chain) {
            assertEquals(Polynomials.largestRootModulus(c), Polynomials.largestRootModulus(c, warm), 1e-12, java.util.Arrays.toString(c));
        }
        assertEquals(1, Polynomials.largestRootModulus(new double[] {1, 0, 1}, warm), 1e-12);
    }

    /**
     * R's {@code ets} on five real series: airpassengers' first 132, 72 and 30 months (the last shorter than three years:
     * the Fourier start), the Nile's 100 annual flows and 168 months of UK drivers killed or injured. The same model is
     * chosen; its weights, likelihood and initial states agree with R's to 10⁻⁶ and its 12 point forecasts to 10⁻⁵
     * (measured: 9 × 10⁻¹³ at most — the same Nelder–Mead from the same start). The point forecast is R's
     * {@code etsforecast} (the states' forecast, {@code forecast(fit, simulate = TRUE)}); R's default {@code forecast}
     * mean for the multiplicative-error, multiplicative-season models adds a σ² correction and, when damped, takes ℓ + b
     * instead of ℓ + φb for the first step: 10⁻⁴ apart on airpassengers. Then from four later origins with the weights and
     * initial states kept ({@code ets(y, model = fit, use.initial.values = TRUE)}), as the report does.
     */
    @Test
    void agreesWithRsEts(@TempDir Path tmp) throws Exception {
        RReference.require();
        double[] air = RReference.airpassengers();
        Object[][] cases = {
            {"airpassengers[1:132]", Arrays.copyOf(air, 132), 12},
            {"airpassengers[1:72]", Arrays.copyOf(air, 72), 12},
            {"airpassengers[1:30]", Arrays.copyOf(air, 30), 12},
            {"nile", column("nile-annual.csv", 1), 1},
            {"drivers[1:168]", Arrays.copyOf(column("seatbelts-monthly.csv", 2), 168), 12},
        };
        int[] origins = {121, 126, 130, 132};
        // one R process for every case (an R start with the forecast package is a second), running beside our fits:
        // five lines a case, then one line per later origin
        Map<String, double[]> series = new java.util.LinkedHashMap<>();
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < cases.length; i++) {
            series.put("y" + i, (double[]) cases[i][1]);
            r.append("""
                    fit <- ets(ts(y%d, frequency = %d))
                    p <- fit$par
                    cat(fit$method, "\\n")
                    cat(format(c(ifelse(is.na(p["alpha"]), 0, p["alpha"]), ifelse(is.na(p["beta"]), 0, p["beta"]),
                        ifelse(is.na(p["gamma"]), 0, p["gamma"]), ifelse(is.na(p["phi"]), 1, p["phi"])), digits = 15), "\\n")
                    cat(format(c(-2 * fit$loglik, fit$aicc), digits = 15), "\\n")
                    cat(format(fit$initstate, digits = 15), "\\n")
                    set.seed(1)
                    cat(format(as.numeric(forecast(fit, h = 12, simulate = TRUE, npaths = 2)$mean), digits = 15), "\\n")
                    """.formatted(i, (int) cases[i][2]));
        }
        series.put("air", air);
        r.append("""
                fit <- ets(ts(air[1:120], frequency = 12))
                for (o in c(%s)) {
                  g <- ets(ts(air[1:o], frequency = 12), model = fit, use.initial.values = TRUE)
                  set.seed(1)
                  cat(format(as.numeric(forecast(g, h = 12, simulate = TRUE, npaths = 2)$mean), digits = 15), "\\n")
                }
                """.formatted(Arrays.toString(origins).replaceAll("[\\[\\]]", "")));
        java.util.concurrent.CompletableFuture<List<String>> rLines = RReference.start(tmp, series, r.toString());
        Ets.Fit[] fits = new Ets.Fit[cases.length];
        for (int i = 0; i < cases.length; i++) {
            fits[i] = Ets.fit((double[]) cases[i][1], (int) cases[i][2]);
        }
        Ets.Fit later = Ets.fit(Arrays.copyOf(air, 120), 12);
        List<String> all = rLines.join();
        assertEquals(5 * cases.length + origins.length, all.size(), String.join("\n", all));
        double worst = 0;
        for (int i = 0; i < cases.length; i++) {
            double[] y = (double[]) cases[i][1];
            Ets.Fit fit = fits[i];
            List<String> out = all.subList(5 * i, 5 * i + 5);
            String what = cases[i][0] + ": ";
            assertEquals(out.get(0).trim(), fit.model().toString(), what + "the model chosen");
            double[] par = nums(out.get(1));
            assertEquals(par[0], fit.alpha(), 1e-6, what + "alpha");
            assertEquals(par[1], fit.beta(), 1e-6, what + "beta");
            assertEquals(par[2], fit.gamma(), 1e-6, what + "gamma");
            assertEquals(par[3], fit.phi(), 1e-6, what + "phi");
            double[] lik = nums(out.get(2));
            assertEquals(lik[1], fit.aicc(), 1e-6 * Math.abs(lik[1]), what + "AICc");
            double[] init = nums(out.get(3));
            for (int j = 0; j < init.length; j++) {
                assertEquals(init[j], fit.init()[j], 1e-6 * Math.max(1, Math.abs(init[j])), what + "initial state " + j);
            }
            double[] theirs = nums(out.get(4));
            double[] ours = fit.forecast(y, 12);
            for (int k = 0; k < 12; k++) {
                worst = Math.max(worst, Math.abs(ours[k] - theirs[k]) / Math.abs(theirs[k]));
                assertEquals(theirs[k], ours[k], 1e-5 * Math.abs(theirs[k]), what + "step " + (k + 1));
            }
        }
        // later origins, the fitted model kept
        for (int i = 0; i < origins.length; i++) {
            double[] theirs = nums(all.get(5 * cases.length + i));
            double[] ours = later.forecast(Arrays.copyOf(air, origins[i]), 12);
            for (int k = 0; k < 12; k++) {
                worst = Math.max(worst, Math.abs(ours[k] - theirs[k]) / Math.abs(theirs[k]));
                assertEquals(theirs[k], ours[k], 1e-5 * Math.abs(theirs[k]), "origin " + origins[i] + ", step " + (k + 1));
            }
        }
        System.out.printf("ETS against R's ets: largest relative difference of a forecast %.2e%n", worst);
    }

    private static double[] nums(String line) {
        return Arrays.stream(line.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
    }
}
