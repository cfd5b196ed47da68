package io.github.lstmsuite.common.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code summary.json}: what a run was (app, command, configuration, seed, data and its sha256) and
 * what it measured ({@code metrics}), with wall time, training throughput and library versions.
 * Written atomically.
 */
public final class RunSummary {
    public String app;
    public String command;
    /** The run's main result in words, e.g. "test accuracy 0.9683": what {@code ./lstm runs} lists and a command using the model prints. */
    public String headline;
    /** A {@code --quick} smoke run (its numbers say nothing about the model). */
    public boolean quick;
    public Object config;
    public long seed;
    public Map<String, String> data = new LinkedHashMap<>();
    public Map<String, Object> metrics = new LinkedHashMap<>();
    public double wallSeconds;
    public double trainSeconds;
    /** Training speed, in {@link #speedUnit}s per second. */
    public double trainSamplesPerSecond;
    public String speedUnit = "samples";
    public int epochsCompleted;
    public Map<String, String> versions = versions();
    public String finishedAt;

    public RunSummary(String app, String command, Object config, long seed) {
        this.app = app;
        this.command = command;
        this.config = config;
        this.seed = seed;
    }

    /** Writes this summary to {@code file}, then the run folder's {@code report.html} ({@link RunReport}) from it. */
    public void write(Path file) {
        finishedAt = Instant.now().toString();
        AtomicFiles.writeString(file, Json.write(this) + "\n");
        RunReport.write(file.toAbsolutePath().getParent());
    }

    private static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("java", System.getProperty("java.version"));
        v.put("deeplearning4j", packageVersion(org.deeplearning4j.nn.multilayer.MultiLayerNetwork.class, "1.0.0-M2.1"));
        v.put("nd4j_backend", "nd4j-native");
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return v;
    }

    private static String packageVersion(Class<?> c, String fallback) {
        String s = c.getPackage().getImplementationVersion();
        return s != null ? s : fallback;
    }
}
