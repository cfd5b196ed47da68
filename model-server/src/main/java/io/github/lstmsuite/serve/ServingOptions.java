package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What to serve and how to batch it: the options {@code ./lstm serve} and its load test ({@code ./lstm bench
 * serve}) share, as a picocli mixin.
 */
public class ServingOptions {
    @Parameters(paramLabel = "MODEL", arity = "0..*", description = "model.zip, run folder, or NAME=FILE (default: the newest full run of each app).")
    public List<String> modelArgs = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs", description = "The runs folder (default: ${DEFAULT-VALUE}).")
    public Path runs;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "64",
            description = "Most requests run as one batch (default: ${DEFAULT-VALUE}; 1 = one at a time).")
    public int maxBatch;

    @Option(names = "--max-delay", paramLabel = "MS", defaultValue = "0",
            description = "While requests keep arriving, a batch waits up to this long for more (default: ${DEFAULT-VALUE}: it runs at once).")
    public double maxDelayMs;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "256",
            description = "Most requests waiting per model; beyond it 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    public int queue;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "4",
            description = "Text generations at once per char model (default: ${DEFAULT-VALUE}).")
    public int streams;

    /** Refuses an out-of-range flag in one line that names it. */
    public void check() {
        for (Object[] f : new Object[][] {{"--max-batch", maxBatch}, {"--queue", queue}, {"--streams", streams}}) {
            if ((int) f[1] < 1) {
                throw new UserException(f[0] + " must be at least 1, got " + f[1]);
            }
        }
        if (!(maxDelayMs >= 0 && maxDelayMs <= 1000)) {
            throw new UserException("--max-delay must be 0 to 1000 ms, got " + maxDelayMs);
        }
    }

    /** {@code --max-delay} in microseconds. */
    public long maxDelayMicros() {
        return Math.round(maxDelayMs * 1000);
    }

    /** The models named, or the newest full run of each app (see {@link ServeApp#sources}). */
    public List<ModelSource> sources() {
        return ServeApp.sources(modelArgs, runs);
    }
}
