package io.github.lstmsuite.mnist;

import static java.util.Objects.requireNonNullElse;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.HelpDefaults;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.eval.ClassificationReport;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import io.github.lstmsuite.mnist.MnistData.Split;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm mnist}: an LSTM reads a handwritten digit one row of pixels at a time and says which
 * digit it is (many-to-one). Commands: {@code train} (the default), {@code evaluate}, {@code predict}.
 */
@Command(name = "mnist", mixinStandardHelpOptions = true, version = "lstm-suite mnist 0.1.0",
        description = "An LSTM reads MNIST digits row by row (28 steps of 28 pixels) and classifies them.",
        subcommands = {MnistApp.Train.class, MnistEvaluate.class, MnistPredict.class, PrintedDigits.class})
public final class MnistApp {
    public static final String APP = "mnist";

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /**
     * Runs the app exactly as the command line does and returns the exit code and the result:
     * {@link TrainResult}, {@link EvaluateResult} or {@link PredictResult}. No command means
     * {@code train}, so {@code ./lstm mnist --quick} trains.
     */
    public static Cli.Outcome runExample(String... args) {
        return Cli.runDefaulting(new MnistApp(), "train", args);
    }

    // ------------------------------------------------------------------ configuration

    /** Named starting points; any flag the user gives overrides them. */
    public enum Preset {
        /** The configuration of the article “LSTM use cases and a PyTorch example”: hidden 64, one layer, Adam 0.01, batch 64, one epoch on all 60,000. */
        seed,
        /** The accuracy preset: two layers of 128, dropout, 5,000 images held out for early stopping. */
        best
    }

    /**
     * Everything a run was made with; saved in {@code summary.json} and inside the model and checkpoints.
     *
     * @param pixelScale inputs are {@code pixel * pixelScale} (pixels 0–255 → [0, 1])
     * @param augment    training images drawn anew each time ({@link DigitAugment}); false in runs made before it existed
     */
    public record RunConfig(String preset, MnistModel.Config model, int epochs, int batchSize, int trainSize,
                            int valSize, int testSize, int patience, double pixelScale, boolean augment) {
        /** This configuration with another number of epochs ({@code --resume --epochs N}). */
        public RunConfig withEpochs(int n) {
            return new RunConfig(preset, model, n, batchSize, trainSize, valSize, testSize, patience, pixelScale, augment);
        }
    }

    /** The defaults {@code train --help} shows; {@link #configure} applies them. */
    public static final class TrainDefaults extends HelpDefaults {
        public TrainDefaults() {
            super("hidden", "64; --preset best: 128", "layers", "1; best: 2", "dropout", "0; best: 0.25", "patience", "0; best: 3",
                    "metric", "validation accuracy (needs --val-size)", "epochs", "1; best: 10", "batch-size", "64",
                    "learning-rate", "0.01; best: 0.005", "augment", "off; best: on");
        }
    }

    public static RunConfig configure(Preset preset, CommonOptions o, ShapeOptions shape, Boolean bidirectional,
                               Integer trainSize, Integer valSize, Integer testSize, Double lrDecay, Boolean augment) {
        boolean best = preset == Preset.best;
        int h = shape.hidden(best ? 128 : 64);
        int l = shape.layers(best ? 2 : 1);
        double d = shape.dropout(best ? 0.25 : 0.0);
        boolean bi = bidirectional != null ? bidirectional : false;
        double lr = o.learningRate(best ? 0.005 : 0.01);
        double decay = requireNonNullElse(lrDecay, best ? 0.75 : 1.0);
        int epochs = o.epochs(best ? 10 : 1);
        int batch = o.batchSize(64);
        int val = requireNonNullElse(valSize, best ? 5000 : 0);
        int train = requireNonNullElse(trainSize, o.quick ? 2000 : 60000);
        int test = requireNonNullElse(testSize, o.quick ? 1000 : 10000);
        int pat = shape.patience(best ? 3 : 0);
        if (train < 1 || test < 1) {
            throw new UserException("--train-size and --test-size must be positive");
        }
        Limits.checkRecurrent(28, h, bi ? 2 * l : l, bi ? 20 : 10, 10);
        return new RunConfig(preset.name(), new MnistModel.Config(h, l, d, bi, lr, decay, o.seed, o.lstm(), o.cell),
                epochs, batch, train, val, test, pat, 1.0 / 255, requireNonNullElse(augment, best));
    }

    // ------------------------------------------------------------------ train

    /** What {@code train} returns. */
    public record TrainResult(Path runDir, Path model, double testAccuracy, ClassificationReport report,
                              TrainState state, double wallSeconds, boolean interrupted) {
    }

    @Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "io.github.lstmsuite.mnist.MnistApp$TrainDefaults",
            description = "Train on the MNIST training images, then report accuracy on the 10,000 test images.")
    static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Option(names = "--preset", paramLabel = "NAME", defaultValue = "seed",
                description = "seed (default: the configuration of the article “LSTM use cases and a PyTorch example”: 1×64, 1 epoch) or best (2×128, dropout 0.25, 10 epochs with learning-rate decay). The README gives each one's measured accuracy and time.")
        Preset preset;

        @Mixin
        ShapeOptions shape = new ShapeOptions();

        @Option(names = "--bidirectional", negatable = true, description = "Bidirectional LSTM layers.")
        Boolean bidirectional;

        @Option(names = "--lr-decay", paramLabel = "G", description = "Multiply the learning rate by G after each epoch.")
        Double lrDecay;

        @Option(names = "--train-size", paramLabel = "N", description = "Use the first N training images (default all; --quick: 2000).")
        Integer trainSize;

        @Option(names = "--val-size", paramLabel = "N", description = "Hold out the last N training images for validation and early stopping.")
        Integer valSize;

        @Option(names = "--test-size", paramLabel = "N", description = "Evaluate on the first N test images (default all 10,000; --quick: 1000).")
        Integer testSize;

        @Option(names = "--augment", negatable = true, description = "Draw each training image anew: small rotations, "
                + "scales, shears, shifts, bolder or thinner strokes (default: ${bundle:default.augment}).")
        Boolean augment;

        @Option(names = "--explain", description = "Print the tensor shape at each stage, beside PyTorch's.")
        boolean explain;

        @Override
        public TrainResult call() throws Exception {
            int threads = NativeSetup.apply(common.threads);
            try (TrainingRun<RunConfig> run = TrainingRun.start(APP, common, RunConfig.class,
                    () -> configure(preset, common, shape, bidirectional, trainSize, valSize, testSize, lrDecay, augment),
                    stored -> common.epochs == null ? stored : stored.withEpochs(common.epochs))) {
                RunConfig cfg = run.config();
                Path runDir = run.runDir();

                // ---- data: [B, 28 pixels, 28 rows] batches
                MnistData.Splits data = MnistData.load(DatasetResolver.standard(), cfg.trainSize(), cfg.valSize(), cfg.testSize());
                System.out.printf("MNIST: %,d training, %,d validation, %,d test images (28 rows × 28 pixels each)%n",
                        data.train().size(), data.validation().size(), data.test().size());

                // ---- model
                MultiLayerNetwork net = MnistModel.build(cfg.model());
                System.out.printf("model: %s %d×%d%s, dropout %.2f → last step → softmax 10 (%,d parameters); Adam lr %s, batch %d, %d epoch(s)%s, %d thread(s)%n",
                        cfg.model().cellType().label(cfg.model().lstm()), cfg.model().layers(), cfg.model().hidden(),
                        cfg.model().bidirectional() ? " bidirectional" : "", cfg.model().dropout(), net.numParams(), cfg.model().learningRate(), cfg.batchSize(),
                        cfg.epochs(), cfg.augment() ? ", training images augmented" : "", threads);
                if (explain) {
                    System.out.print(MnistShapes.explain(net, data.test()));
                }

                // ---- train (the best epoch by validation accuracy is kept, when there is a validation part)
                Split val = data.validation();
                Trainer.Result<MultiLayerNetwork> fit = run.fit(net,
                        MnistData.trainingBatches(data.train(), cfg.batchSize(), cfg.model().seed(), cfg.augment()),
                        val.size() > 0 ? n -> validate(n, val) : null,
                        cfg.epochs(), cfg.model().seed(), "val_accuracy", true, cfg.patience());
                if (fit.interrupted()) {
                    return new TrainResult(runDir, null, Double.NaN, null, fit.state(), run.seconds(), true);
                }

                // ---- evaluate on the test images
                ClassificationReport report = evaluate(fit.network(), data.test());
                System.out.println();
                System.out.println("test set: " + data.test().size() + " images");
                System.out.print(report.format());
                Charts.confusionMatrix(runDir.resolve("confusion_matrix.png"), report.confusion(), MnistData.LABELS,
                        String.format("MNIST test, accuracy %.4f", report.accuracy()));
                MnistMistakes.write(runDir.resolve("mistakes.png"), fit.network(), data.test());   // the most confident wrong answers
                // ---- out of distribution: printed digits (data/printed-digits), prepared as predict prepares an image
                Split printed = MnistData.printedDigits(DatasetResolver.standard());
                ClassificationReport printedReport = printed == null ? null : evaluate(fit.network(), printed);
                if (printedReport != null) {
                    System.out.printf("printed digits (out of distribution: %,d from 127 fonts, prepared as predict does): accuracy %.4f%n",
                            printed.size(), printedReport.accuracy());
                }
                Path model = run.saveModel(fit.network());
                RunSummary summary = run.summary(fit.state(), cfg.model().seed());
                summary.data.put("name", "mnist");
                summary.data.put("train_images_sha256", data.trainSha256());
                summary.data.put("test_images_sha256", data.testSha256());
                summary.metrics.putAll(report.toMetrics("test_"));   // test_accuracy, test_macro_f1, per class, matrix
                if (printedReport != null) {
                    summary.metrics.put("printed_accuracy", printedReport.accuracy());
                }
                summary.headline = String.format("test accuracy %.4f", report.accuracy())
                        + (printedReport == null ? "" : String.format(", printed digits %.4f", printedReport.accuracy()));
                summary.write(runDir.resolve("summary.json"));
                System.out.printf("%ntest accuracy %.4f   training %s (%,.0f samples/s)   wall %s%n", report.accuracy(),
                        Progress.formatSeconds(summary.trainSeconds), summary.trainSamplesPerSecond, Progress.formatSeconds(summary.wallSeconds));
                System.out.println("run folder: " + runDir.toAbsolutePath().normalize());
                return new TrainResult(runDir, model, report.accuracy(), report, fit.state(), summary.wallSeconds, false);
            }
        }
    }

    /** Validation loss (per example) and accuracy, for early stopping and the learning curves. */
    public static Map<String, Double> validate(MultiLayerNetwork net, Split val) {
        double[] lossSum = new double[1];
        Evaluation eval = evaluation(net, val, lossSum);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", lossSum[0] / val.size());
        m.put("val_accuracy", eval.accuracy());
        return m;
    }

    /** Accuracy, per-class precision/recall/F1 and the confusion matrix on {@code split}. */
    public static ClassificationReport evaluate(MultiLayerNetwork net, Split split) {
        return ClassificationReport.of(evaluation(net, split, null), MnistData.LABELS);
    }

    /**
     * Runs {@code net} over {@code split} in chunks of 1,000 images; adds the summed loss to
     * {@code lossSum[0]} when it is given.
     */
    private static Evaluation evaluation(MultiLayerNetwork net, Split split, double[] lossSum) {
        Evaluation eval = new Evaluation(MnistData.CLASSES);
        for (int from = 0; from < split.size(); from += 1000) {
            DataSet ds = MnistData.slice(split, from, Math.min(split.size(), from + 1000));
            eval.eval(ds.getLabels(), net.output(ds.getFeatures(), false));   // [n, 10] probabilities
            if (lossSum != null) {
                lossSum[0] += net.score(ds, false) * ds.numExamples();
            }
        }
        return eval;
    }

    // ------------------------------------------------------------------ evaluate

    /** What {@code evaluate} returns. */
    public record EvaluateResult(Path model, int images, ClassificationReport report) {
    }

    // ------------------------------------------------------------------ predict

    /** One prediction: the file (and image index inside an IDX file), the label, the top 3. */
    public record Prediction(String file, int index, int label, List<Integer> top3Labels, List<Double> top3Probabilities,
                             String preprocessing) {
    }

    /** What {@code predict} returns. */
    public record PredictResult(Path model, List<Prediction> predictions) {
    }

}
