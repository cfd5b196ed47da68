package io.github.lstmsuite.spark;

import picocli.CommandLine.Option;

/** The flags of a Spark training job (a picocli mixin): where it runs and how often the workers average. */
public class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", required = true,
            description = "Spark master: local[N] (N threads in this JVM), spark://HOST:PORT (a standalone cluster; ./lstm spark cluster up starts one here), yarn or k8s://https://HOST:PORT.")
    public String master;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Workers training in parallel: executors of one core each on a cluster, threads with local[N] (default: ${DEFAULT-VALUE}).")
    public int workers;

    @Option(names = "--averaging-frequency", paramLabel = "F", defaultValue = "5",
            description = "Mini-batches each worker fits between two parameter averagings (default: ${DEFAULT-VALUE}).")
    public int averagingFrequency;

    @Option(names = "--training-master", paramLabel = "KIND", defaultValue = "averaging",
            description = "averaging (DL4J's ParameterAveragingTrainingMaster; default) or sharing (SharedTrainingMaster: gradient sharing through a parameter server; see the README).")
    public String trainingMaster;

    @Option(names = "--executor-memory", paramLabel = "SIZE", defaultValue = "1g",
            description = "Memory per executor, e.g. 1g or 1536m; checked against what the model needs (default: ${DEFAULT-VALUE}).")
    public String executorMemory;

    @Option(names = "--validate-every", paramLabel = "R", defaultValue = "1",
            description = "Validate on the driver after every R averaging rounds, and after the last (default: ${DEFAULT-VALUE}).")
    public int validateEvery;

    @Option(names = "--max-rounds", paramLabel = "N", defaultValue = "0",
            description = "Stop after N rounds in this run (0 = none); the checkpoint is written and --resume continues.")
    public int maxRounds;

    /** The settings Spark is started with. */
    SparkSetup.Settings settings() {
        int w = master != null && master.startsWith("local[") && !master.equals("local[*]")
                ? Math.min(workers, localThreads(master)) : workers;
        return new SparkSetup.Settings(master, w, executorMemory);
    }

    private static int localThreads(String master) {
        String inner = master.substring("local[".length(), master.indexOf(']'));
        return Integer.parseInt(inner.split(",")[0]);
    }

    /** How the workers combine their work, in words. */
    static String describe(SparkRounds.Settings rs) {
        return rs.sharing()
                ? "sharing gradients after every mini-batch (SharedTrainingMaster), a checkpoint every " + rs.averagingFrequency() + " mini-batches per worker"
                : "averaging every " + rs.averagingFrequency() + " mini-batches (ParameterAveragingTrainingMaster)";
    }

    /**
     * Checks these flags and the shared ones a Spark job cannot honour, before Spark starts (a bad flag costs no
     * Spark start-up): {@code --ui} watches a network training in this JVM, and here the workers train.
     */
    void check(io.github.lstmsuite.common.cli.CommonOptions common) {
        if (common.ui || common.uiWait) {
            throw new io.github.lstmsuite.common.UserException("--ui: not for Spark jobs (the workers train, not this JVM); "
                    + "the cluster's web UI shows the job, and report.html the run's curves");
        }
        if (averagingFrequency < 1 || validateEvery < 1 || maxRounds < 0) {
            throw new io.github.lstmsuite.common.UserException("--averaging-frequency and --validate-every must be at least 1, --max-rounds at least 0");
        }
        if (!trainingMaster.equals("averaging") && !trainingMaster.equals("sharing")) {
            throw new io.github.lstmsuite.common.UserException("--training-master must be averaging or sharing, got '" + trainingMaster + "'");
        }
        SparkSetup.checkMaster(master);
        SparkSetup.megabytes("--executor-memory", executorMemory);
    }

    /** The round loop's settings. */
    SparkRounds.Settings rounds(int batchPerWorker, int epochs, long seed) {
        return new SparkRounds.Settings(settings().workers(), batchPerWorker, averagingFrequency, epochs, seed, validateEvery, maxRounds,
                trainingMaster.equals("sharing"));
    }
}
