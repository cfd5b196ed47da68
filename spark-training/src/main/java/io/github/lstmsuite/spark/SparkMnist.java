package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.data.IdxReader;
import io.github.lstmsuite.common.eval.ClassificationReport;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainingRun;
import io.github.lstmsuite.mnist.MnistApp;
import io.github.lstmsuite.mnist.MnistData;
import io.github.lstmsuite.mnist.MnistModel;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm spark mnist}: the MNIST-rows classifier of {@code ./lstm mnist} (the same network and model file)
 * trained on a Spark cluster by parameter averaging.
 * <pre>
 *   --data DIR (file://, hdfs://, s3a://): the four IDX files, read with sc.binaryFiles
 *   training images → one record per digit (its 784 pixels and label) → [1, 28 pixels, 28 rows] + one-hot [1, 10]
 *   the last --val-size training images validate after each round, on the driver; the test images are scored at the end
 * </pre>
 */
@Command(name = "mnist", mixinStandardHelpOptions = true,
        description = "Train ./lstm mnist's row-by-row classifier on Spark (parameter averaging); --batch-size is per worker.")
public final class SparkMnist implements Callable<SparkMnist.Result> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    ShapeOptions shape = new ShapeOptions();

    @Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "seed", description = "seed (1×64, 1 epoch; default) or best, as ./lstm mnist.")
    MnistApp.Preset preset;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder (or URI) with the four MNIST IDX files (default: the bundled ones).")
    String data;

    @Option(names = "--train-size", paramLabel = "N", description = "Use the first N training images (default all but the validation ones; --quick: 2000).")
    Integer trainSize;

    @Option(names = "--val-size", paramLabel = "N", defaultValue = "2000",
            description = "The last N training images validate after each round (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Score the first N test images at the end (default all 10,000; --quick: 1000).")
    Integer testSize;

    /** What the job returns. */
    public record Result(Path runDir, Path model, double testAccuracy, List<Map<String, Double>> rounds, boolean interrupted) {
    }

    /** One image as the RDD holds it: its index in its file, 784 pixels (row by row), its label. */
    record Digit(int index, byte[] pixels, int label) implements Serializable {
    }

    @Override
    public Result call() throws Exception {
        spark.check(common);
        NativeSetup.apply(1);
        String dir = dataUri(data);
        SparkOptions o = spark;
        try (JavaSparkContext sc = SparkSetup.start("mnist", o.settings());
             TrainingRun<MnistApp.RunConfig> run = TrainingRun.start(MnistApp.APP, TrainingRun.Options.of(common), MnistApp.RunConfig.class,
                     () -> MnistApp.configure(preset, common, shape, null, trainSize, valSize, testSize, null, false),
                     stored -> common.epochs == null ? stored : stored.withEpochs(common.epochs))) {
            MnistApp.RunConfig cfg = run.config();
            JavaRDD<Digit> all = digits(sc, dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz").cache();
            long n = all.count();
            if (cfg.valSize() < 1 || cfg.valSize() >= n) {
                throw new UserException("--val-size must be between 1 and " + (n - 1) + ", got " + cfg.valSize());
            }
            long trainEnd = n - cfg.valSize();
            long keep = Math.min(trainEnd, cfg.trainSize());
            JavaRDD<Digit> train = all.filter(d -> d.index() < keep);
            MnistData.Split val = split(all.filter(d -> d.index() >= trainEnd).collect());
            int tests = cfg.testSize();
            MnistData.Split test = split(digits(sc, dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz")
                    .filter(d -> d.index() < tests).collect());
            System.out.printf("MNIST (%s): %,d training, %,d validation, %,d test images%n", dir, keep, val.size(), test.size());

            MultiLayerNetwork net = MnistModel.build(cfg.model());
            SparkRounds.Settings rs = o.rounds(cfg.batchSize(), cfg.epochs(), cfg.model().seed());
            System.out.printf("model: %s %d×%d → last step → softmax 10 (%,d parameters); Adam lr %s%n",
                    cfg.model().cellType().label(cfg.model().lstm()), cfg.model().layers(), cfg.model().hidden(), net.numParams(),
                    cfg.model().learningRate());
            System.out.printf("spark: %s, %d workers × %d images per mini-batch, %s (%,d images per round)%n",
                    o.master, rs.workers(), rs.batchPerWorker(), SparkOptions.describe(rs), rs.examplesPerRound());
            SparkRounds<Digit> rounds = new SparkRounds<>(sc, rs, train, SparkMnist::toDataSet, 1, 1, 1);
            SparkRounds.Result fit = rounds.fit(net, run.runDir(), common.resume, m -> MnistApp.validate(m, val), Json.write(cfg));
            if (fit.interrupted()) {
                return new Result(run.runDir(), null, Double.NaN, fit.rounds(), true);
            }
            ClassificationReport report = MnistApp.evaluate(fit.best(), test);
            System.out.printf("%ntest set: %d images%n%s", test.size(), report.format());
            Path model = run.saveModel(fit.best());
            RunSummary summary = run.summary(fit.state(), cfg.model().seed());
            summary.command = "spark mnist";
            summary.data.put("name", "mnist");
            summary.data.put("source", dir);
            summary.metrics.putAll(report.toMetrics("test_"));
            summary.metrics.put("spark", SparkChars.sparkFacts(o, rs, net.numParams(), fit));
            summary.headline = String.format("test accuracy %.4f (Spark, %d workers)", report.accuracy(), rs.workers());
            summary.write(run.runDir().resolve("summary.json"));
            System.out.printf("%ntest accuracy %.4f   training %s over %d rounds   wall %s%nrun folder: %s%n", report.accuracy(),
                    Progress.formatSeconds(fit.state().trainSeconds), fit.state().step, Progress.formatSeconds(summary.wallSeconds),
                    run.runDir().toAbsolutePath().normalize());
            return new Result(run.runDir(), model, report.accuracy(), fit.rounds(), false);
        }
    }

    /** The bundled data folder, or {@code --data} (a local folder checked, a URI as given). */
    static String dataUri(String data) {
        if (data == null) {
            return DatasetResolver.standard().resolve(MnistData.TRAIN_IMAGES).toAbsolutePath().getParent().toUri().toString().replaceAll("/$", "");
        }
        if (data.matches("^[a-z][a-z0-9+.-]*:/.*") && !data.startsWith("file:")) {
            return data.replaceAll("/$", "");
        }
        Path p = data.startsWith("file:") ? Path.of(java.net.URI.create(data)) : Path.of(data).toAbsolutePath();
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            if (!Files.isRegularFile(p.resolve(f))) {
                throw new UserException("--data " + data + ": no " + f + " there (expected the four MNIST IDX files, gzipped)");
            }
        }
        return p.toUri().toString().replaceAll("/$", "");
    }

    /**
     * The digits of an images file and its labels file, read by Spark: the labels (small) on the driver and
     * broadcast, the images parsed where Spark reads them (each file is one record of {@code binaryFiles}).
     */
    static JavaRDD<Digit> digits(JavaSparkContext sc, String images, String labels) {
        byte[] labelBytes = sc.binaryFiles(labels).values().first().toArray();
        Broadcast<int[]> y = sc.broadcast(IdxReader.readLabels(temp(labelBytes, "labels")));
        return sc.binaryFiles(images).values().flatMap(stream -> {
            IdxReader.Images im = IdxReader.readImages(temp(stream.toArray(), "images"));
            int[] labelsOf = y.value();
            if (im.count() != labelsOf.length) {
                throw new UserException(images + ": " + im.count() + " images but " + labelsOf.length + " labels");
            }
            int px = im.rows() * im.cols();
            List<Digit> out = new ArrayList<>(im.count());
            for (int i = 0; i < im.count(); i++) {
                out.add(new Digit(i, java.util.Arrays.copyOfRange(im.pixels(), i * px, (i + 1) * px), labelsOf[i]));
            }
            return out.iterator();
        });
    }

    /** IdxReader reads files (and unzips them): the bytes Spark read, in a temporary file that is gone afterwards. */
    private static Path temp(byte[] content, String what) {
        try {
            Path f = Files.createTempFile("lstm-suite-mnist-" + what, ".gz");
            f.toFile().deleteOnExit();
            Files.write(f, content);
            return f;
        } catch (java.io.IOException e) {
            throw new UserException("cannot write a temporary file for the " + what + " (" + e.getMessage() + ")");
        }
    }

    /** Collected digits as the single-machine app's split, in index order. */
    static MnistData.Split split(List<Digit> digits) {
        List<Digit> sorted = new ArrayList<>(digits);
        sorted.sort(java.util.Comparator.comparingInt(Digit::index));
        int px = MnistData.ROWS * MnistData.COLS;
        byte[] pixels = new byte[sorted.size() * px];
        int[] labels = new int[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            System.arraycopy(sorted.get(i).pixels(), 0, pixels, i * px, px);
            labels[i] = sorted.get(i).label();
        }
        return new MnistData.Split(new IdxReader.Images(sorted.size(), MnistData.ROWS, MnistData.COLS, pixels), labels);
    }

    /** One digit as DL4J's example: features [1, 28 pixels, 28 rows] scaled to [0, 1], labels one-hot [1, 10]. */
    static DataSet toDataSet(Digit d) {
        float[] x = new float[MnistData.COLS * MnistData.ROWS];
        for (int row = 0; row < MnistData.ROWS; row++) {
            for (int col = 0; col < MnistData.COLS; col++) {
                x[col * MnistData.ROWS + row] = (d.pixels()[row * MnistData.COLS + col] & 0xff) / 255f;
            }
        }
        float[] y = new float[MnistData.CLASSES];
        y[d.label()] = 1f;
        return new DataSet(Nd4j.create(x, new long[] {1, MnistData.COLS, MnistData.ROWS}, 'c'),
                Nd4j.create(y, new long[] {1, MnistData.CLASSES}, 'c'));
    }
}
