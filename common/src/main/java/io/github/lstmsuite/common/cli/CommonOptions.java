package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every training command of the suite shares (a picocli mixin).
 *
 * <p>Numeric options are boxed and {@code null} when not given, so that an app can fill them from
 * its default configuration or a {@code --preset}: what the user typed always wins.
 */
public class CommonOptions {
    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data (default: ${bundle:default.epochs:-set by the app}).")
    public Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per mini-batch (default: ${bundle:default.batch-size:-set by the app}).")
    public Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (default: ${bundle:default.learning-rate:-set by the app}).")
    public Double learningRate;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed: same seed, same numbers (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    public long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU cores the LSTM layers use (default: all). ND4J's other ops run on one thread (fastest at these sizes), the optimizer's step of large models on two.")
    public Integer threads;

    @Option(names = "--lstm", paramLabel = "IMPL",
            description = "LSTM implementation: fast (the suite's layer, default) or dl4j (DL4J's own); same maths and parameters.")
    public io.github.lstmsuite.layers.LstmImpl lstm;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "Recurrent cell: lstm (default), gru, janet (forget-gate-only LSTM) or rnn (Elman); see lstm-basics.")
    public io.github.lstmsuite.layers.CellType cell;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Where the run writes its files (default: runs/<app>/<timestamp>).")
    public Path outputDir;

    @Option(names = "--resume", description = "Continue the run in --output-dir from its last checkpoint.")
    public boolean resume;

    @Option(names = "--force", description = "Empty a non-empty --output-dir (an earlier run) before starting afresh.")
    public boolean force;

    @Option(names = "--quick", description = "A small, fast configuration for a smoke test (seconds, not minutes).")
    public boolean quick;

    @Option(names = "--max-steps", paramLabel = "N", hidden = true,
            description = "Stop after N optimiser steps (a checkpoint is written, --resume continues).")
    public Long maxSteps;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", description = "Also checkpoint every M minutes inside an epoch (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    public double checkpointMinutes;

    @Option(names = "--ui", description = "Watch training live in DL4J's training UI: served on 127.0.0.1 only (port 9000, or a free one), its address printed; stops when the run ends.")
    public boolean ui;

    @Option(names = "--ui-wait", description = "As --ui, and keep serving after the run ends, until Ctrl-C.")
    public boolean uiWait;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    public boolean verbose;

    /** {@code --epochs}, or {@code fallback}; at least 1. */
    public int epochs(int fallback) {
        return Given.atLeast("--epochs", epochs, fallback, 1);
    }

    /** {@code --batch-size}, or {@code fallback}; at least 1. */
    public int batchSize(int fallback) {
        return Given.atLeast("--batch-size", batchSize, fallback, 1);
    }

    /** {@code --learning-rate}, or {@code fallback}; positive. */
    public double learningRate(double fallback) {
        double lr = learningRate != null ? learningRate : fallback;
        if (!(lr > 0)) {
            throw new UserException("--learning-rate must be positive, got " + lr);
        }
        return lr;
    }

    /** {@code --lstm}, or the suite's fast layer. */
    public io.github.lstmsuite.layers.LstmImpl lstm() {
        return lstm != null ? lstm : io.github.lstmsuite.layers.LstmImpl.fast;
    }
}
