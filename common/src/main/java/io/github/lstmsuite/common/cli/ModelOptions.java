package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.report.RunDirs;
import io.github.lstmsuite.common.train.ModelZip;
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

    /**
     * The model file to use: {@code --model}, or the newest full run's (see {@link RunDirs#newestModel}); it
     * must be a model of {@code app}. Says on stderr which one it is and what its run measured.
     */
    public Path locate(String app) {
        Path path = ModelZip.locate(model, app);
        System.err.println(RunDirs.describeModel(path));
        return path;
    }
}
