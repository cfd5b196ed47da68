package io.github.lstmsuite.common.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.data.DatasetResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** R's forecast package as the reference for the statistical methods' tests: required in CI, skipped elsewhere without it. */
final class RReference {
    private RReference() {
    }

    /** Skips the test when Rscript with the forecast package is missing — except in CI, where it must be there. */
    static void require() {
        boolean haveR = Availability.HAVE_R;
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(haveR, "Rscript with the forecast package is not installed");
        }
        assertTrue(haveR, "CI must have Rscript and R's forecast package (apt-get install r-base-core r-cran-forecast)");
    }

    /** Whether R is there, found out once per test JVM (an R start is a second). */
    private static final class Availability {
        static final boolean HAVE_R = available();
    }

    private static boolean available() {
        try {
            return run("Rscript", "-e", "suppressMessages(library(forecast)); cat('ok\\n')").contains("ok");
        } catch (IOException | InterruptedException | AssertionError e) {
            return false;
        }
    }

    /** Runs an R script (with {@code y.txt} holding {@code y}, one value a line, in {@code dir}); its output lines. */
    static List<String> script(Path dir, double[] y, String rCode) throws IOException, InterruptedException {
        return script(dir, Map.of("y", y), rCode);
    }

    /** {@link #script(Path, double[], String)} with several series, each an R vector of its name. */
    static List<String> script(Path dir, Map<String, double[]> series, String rCode) throws IOException, InterruptedException {
        StringBuilder r = new StringBuilder("suppressMessages(library(forecast))\n");
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            StringBuilder values = new StringBuilder();
            for (double v : e.getValue()) {
                values.append(v).append('\n');
            }
            Path data = Files.writeString(dir.resolve(e.getKey() + ".txt"), values);
            r.append(e.getKey()).append(" <- scan(\"").append(data.toString().replace("\\", "/")).append("\", quiet = TRUE)\n");
        }
        Path script = Files.writeString(dir.resolve("script.R"), r + rCode);
        return run("Rscript", script.toString());
    }

    /**
     * {@link #script(Path, Map, String)} started now, in R's own process, while the test computes its side on this
     * one's core: the lines, or the failure, when {@code join}ed.
     */
    static CompletableFuture<List<String>> start(Path dir, Map<String, double[]> series, String rCode) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return script(dir, series, rCode);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    static List<String> run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "Rscript did not finish");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }

    /** The bundled airpassengers series (144 monthly values). */
    static double[] airpassengers() throws IOException {
        Path csv = DatasetResolver.findBundledDir().resolve("timeseries/airpassengers.csv");
        List<String> lines = Files.readAllLines(csv);
        double[] y = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            y[i - 1] = Double.parseDouble(lines.get(i).split(",")[1]);
        }
        return y;
    }
}
