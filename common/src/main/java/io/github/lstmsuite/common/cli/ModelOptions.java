package io.github.lstmsuite.common.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that uses a trained model ({@code evaluate}, {@code predict}, …): a picocli mixin. */
public class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE", description = "model.zip of a run (default: the newest under runs/<app>).")
    public Path model;

    @Option(names = "--threads", paramLabel = "N", description = "CPU cores the LSTM layers use (default: all).")
    public Integer threads;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    public boolean verbose;
}
