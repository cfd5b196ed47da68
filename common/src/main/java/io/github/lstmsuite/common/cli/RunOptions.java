package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The run-folder flags of a training command, as a picocli mixin ({@code @Mixin RunOptions run}):
 * {@code --output-dir}, {@code --resume}, {@code --force}, {@code --checkpoint-minutes} and {@code --verbose}.
 * The projects {@code ./lstm new} writes use it; {@link #options()} is what {@link TrainingRun#start} takes.
 */
public class RunOptions {
    @Option(names = "--output-dir", paramLabel = "DIR", description = "The run folder (default: runs/<app>/<time>).")
    public Path outputDir;

    @Option(names = "--resume", description = "Continue the run in --output-dir from its last checkpoint.")
    public boolean resume;

    @Option(names = "--force", description = "Empty a non-empty --output-dir (an earlier run) first.")
    public boolean force;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", defaultValue = "5",
            description = "Also checkpoint every M minutes inside an epoch (default: ${DEFAULT-VALUE}).")
    public double checkpointMinutes;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    public boolean verbose;

    /** These flags as {@link TrainingRun.Options}. */
    public TrainingRun.Options options() {
        if (!(checkpointMinutes > 0)) {
            throw new io.github.lstmsuite.common.UserException("--checkpoint-minutes must be positive, got " + checkpointMinutes);
        }
        return new TrainingRun.Options(outputDir, resume, force, checkpointMinutes, 0);
    }
}
