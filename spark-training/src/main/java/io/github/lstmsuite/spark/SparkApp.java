package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.cli.Cli;
import picocli.CommandLine.Command;

/**
 * {@code ./lstm spark}: the suite's models trained on a Spark cluster with DL4J's {@code dl4j-spark} (parameter
 * averaging), and a Spark standalone cluster on this machine to try it on.
 * <pre>
 *   ./lstm spark cluster up [--workers 2]          a master and N workers, separate JVMs, on 127.0.0.1
 *   ./lstm spark chars --master spark://127.0.0.1:7077 --quick
 *   ./lstm spark mnist --master local[2]
 *   ./lstm spark cluster down
 * </pre>
 */
@Command(name = "spark", mixinStandardHelpOptions = true, version = "lstm-suite spark 0.1.0",
        description = "Train the suite's models on a Spark cluster (dl4j-spark, parameter averaging); start a local standalone cluster.",
        subcommands = {SparkChars.class, SparkMnist.class, SparkCluster.class})
public final class SparkApp {
    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs a command as the command line does. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.run(new SparkApp(), args);
    }
}
