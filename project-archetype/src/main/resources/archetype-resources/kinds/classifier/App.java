package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.RunOptions;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run}: trains an LSTM to classify series (many-to-one), evaluates it on the test split and writes
 * the run folder: {@code summary.json}, {@code metrics.csv}, {@code model.zip}, learning curves and a
 * confusion matrix. The training lifecycle (run folder, checkpoints, {@code --resume}, early stopping) is
 * the suite's {@link TrainingRun}; this class holds only what is particular to this task.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train an LSTM series classifier on the bundled data.")
public final class App implements Callable<App.Result> {
    static final String APP = "classifier";
    static final int STEPS = 60;
    static final int CLASSES = 6;
    static final List<String> LABELS = List.of("normal", "cyclic", "up-trend", "down-trend", "up-shift", "down-shift");

    /** Everything a run is made with; stored in its checkpoints and in {@code model.zip}. */
    public record Config(Model.Config model, int epochs, int batchSize, double valFraction, int patience, String data) {
    }

    /** What a run returns (what {@code main} prints, what the tests check). */
    public record Result(Path runDir, Path model, double testAccuracy, TrainState state) {
    }

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with train-/test-features.csv and -labels.csv (default: ${DEFAULT-VALUE}).", defaultValue = "data")
    Path data;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "40", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Series per mini-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "32", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", paramLabel = "L", defaultValue = "1", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.01", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.2", description = "Part of the training series held out to pick the best epoch (default: ${DEFAULT-VALUE}).")
    double valFraction;
    @Option(names = "--patience", paramLabel = "E", defaultValue = "0", description = "Early stopping: stop after E epochs without a better validation accuracy (0 = off).")
    int patience;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Same seed, same numbers (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    RunOptions runOptions = new RunOptions();            // --output-dir, --resume, --force, --checkpoint-minutes, --verbose

    public static void main(String[] args) {
        System.exit(run(args).exitCode());
    }

    /** Runs exactly what the command line runs and returns the exit code and the {@link Result}. */
    public static Cli.Outcome run(String... args) {
        return Cli.run(new App(), args);
    }

    @Override
    public Result call() throws Exception {
        if (epochs < 1 || batchSize < 1 || hidden < 1 || layers < 1 || !(learningRate > 0) || patience < 0) {
            throw new UserException("--epochs, --batch-size, --hidden, --layers and --learning-rate must be positive");
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new UserException("--val-fraction must be in (0, 1), got " + valFraction);
        }
        NativeSetup.apply(null);
        TrainingRun.Options options = runOptions.options();
        try (TrainingRun<Config> run = TrainingRun.start(APP, options, Config.class, () -> new Config(
                new Model.Config(hidden, layers, learningRate, seed), epochs, batchSize, valFraction, patience, data.toString()))) {
            Config cfg = run.config();
            Path dir = Path.of(cfg.data());

            // ---- data: features [N, 1, 60], labels [N, 6, 60] (masked to the last step), standardised
            DataSet[] parts = Data.holdOut(Data.read(dir.resolve("train-features.csv"), dir.resolve("train-labels.csv"),
                    STEPS, CLASSES), cfg.valFraction(), cfg.model().seed());
            DataSet train = parts[0];
            DataSet val = parts[1];
            DataSet test = Data.read(dir.resolve("test-features.csv"), dir.resolve("test-labels.csv"), STEPS, CLASSES);
            Data.standardise(train, val, test);
            System.out.printf("data: %d training, %d validation and %d test series of %d steps, %d classes%n",
                    train.numExamples(), val.numExamples(), test.numExamples(), STEPS, CLASSES);

            // ---- model
            MultiLayerNetwork net = Model.build(cfg.model(), 1, CLASSES);
            System.out.printf("model: %d × LSTM(%d) → softmax %d at the last step, %,d parameters%n",
                    cfg.model().layers(), cfg.model().hidden(), CLASSES, net.numParams());

            // ---- train: the best epoch by validation accuracy is kept; the test series are seen once, at the end
            Trainer.Result<MultiLayerNetwork> fit = run.fit(net, Data.batches(train, cfg.batchSize(), cfg.model().seed()),
                    n -> Map.of("val_accuracy", evaluate(n, val).accuracy()),
                    cfg.epochs(), cfg.model().seed(), "val_accuracy", true, cfg.patience());
            if (fit.interrupted()) {
                return new Result(run.runDir(), null, Double.NaN, fit.state());
            }

            // ---- evaluate and report
            Evaluation e = evaluate(fit.network(), test);
            System.out.println(e.stats());
            int[][] confusion = IntStream.range(0, CLASSES).mapToObj(a -> IntStream.range(0, CLASSES)
                    .map(p -> e.getConfusionMatrix().getCount(a, p)).toArray()).toArray(int[][]::new);
            Charts.confusionMatrix(run.runDir().resolve("confusion_matrix.png"), confusion, LABELS,
                    String.format("test accuracy %.3f", e.accuracy()));
            Path model = run.saveModel(fit.network());
            RunSummary summary = run.summary(fit.state(), cfg.model().seed());
            summary.metrics.put("test_accuracy", e.accuracy());
            summary.write(run.runDir().resolve("summary.json"));
            System.out.printf("test accuracy %.4f   run folder: %s%n", e.accuracy(), run.runDir().toAbsolutePath().normalize());
            return new Result(run.runDir(), model, e.accuracy(), fit.state());
        }
    }

    /** DL4J's evaluation of the masked output: one prediction per series, at its last step. */
    static Evaluation evaluate(MultiLayerNetwork net, DataSet data) {
        return net.evaluate(new ListDataSetIterator<>(data.asList(), 128));
    }
}
