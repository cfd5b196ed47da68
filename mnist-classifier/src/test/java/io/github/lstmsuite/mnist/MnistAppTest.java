package io.github.lstmsuite.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.data.IdxReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * The app exactly as a user runs it ({@code MnistApp.runExample} is what {@code main} calls): one
 * small fixed-seed training run, then evaluate and predict on what it wrote, then bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MnistAppTest {
    /**
     * The training run's seed: {@code -Dlstm.test.seed=S} on Maven's command line runs these tests with another seed
     * ({@code benchmarks/test-seeds.sh} does, for seeds 1–5 and both instruction sets); the floors below hold for all of them.
     */
    static final long SEED = Long.getLong("lstm.test.seed", 1);
    @TempDir
    static Path dir;
    private MnistApp.TrainResult trained;
    private String trainOutput;

    /** Runs the app exactly as {@code main} does, output captured. */
    private static Cli.Captured run(String... args) {
        return Cli.captured(() -> MnistApp.runExample(args));
    }

    @BeforeAll
    void trainSmallModel() {
        // 3,000 training images, 3 epochs, seed 1 (the floor is in MnistAppTestFloor)
        Cli.Captured r = run("train", "--train-size", "3000", "--test-size", "1000", "--epochs", "3", "--val-size", "500",
                "--seed", Long.toString(SEED), "--explain", "--output-dir", dir.resolve("run").toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        trained = r.outcome().result(MnistApp.TrainResult.class);
        trainOutput = r.out();
    }

    @Test
    void aSmallFixedSeedRunReachesItsAccuracyFloor() {
        assertTrue(trained.testAccuracy() >= MnistAppTestFloor.ACCURACY, "test accuracy " + trained.testAccuracy());
        assertEquals(3, trained.state().epoch);
        assertEquals(3 * 47, trained.state().step, "3 epochs of ceil(3000 / 64) = 47 batches");
    }

    @Test
    void theRunFolderHoldsSummaryMetricsChartsAndModel() throws Exception {
        Path run = trained.runDir();
        JsonNode summary = io.github.lstmsuite.common.report.Json.mapper().readTree(Files.readString(run.resolve("summary.json")));
        assertEquals("mnist", summary.get("app").asText());
        assertEquals(trained.testAccuracy(), summary.get("metrics").get("test_accuracy").asDouble(), 1e-12);
        assertEquals(SEED, summary.get("seed").asLong());
        assertEquals(MnistData.TRAIN_IMAGES.sha256(), summary.get("data").get("train_images_sha256").asText());
        assertEquals(10, summary.get("metrics").get("test_confusion_matrix").size());
        assertTrue(summary.get("trainSamplesPerSecond").asDouble() > 0);
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size());
        assertTrue(Files.readAllLines(run.resolve("metrics.csv")).get(0).contains("val_accuracy"));
        for (String png : new String[] {"learning_curves.png", "confusion_matrix.png", "mistakes.png"}) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() > 100, png);
        }
        assertTrue(trainOutput.contains("run folder: "), trainOutput);
        // the page of the run: its headline, its curves (141 steps → 141 points of loss_curve.csv), the confusion matrix
        double printed = summary.get("metrics").get("printed_accuracy").asDouble();   // the bundled printed digits
        assertTrue(printed >= MnistAppTestFloor.PRINTED && printed <= 1, "printed digits " + printed);
        assertEquals(String.format("test accuracy %.4f, printed digits %.4f", trained.testAccuracy(), printed), summary.get("headline").asText());
        assertTrue(trainOutput.contains("printed digits (out of distribution: 3,810"), trainOutput);
        assertEquals(1 + 3 * 47, Files.readAllLines(run.resolve("loss_curve.csv")).size());
        String page = Files.readString(run.resolve("report.html"));
        assertTrue(page.contains(summary.get("headline").asText()) && page.contains("<polyline") && page.contains("confusion_matrix.png")
                && page.contains("mistakes.png"));
        // the mistakes drawn are wrong answers, the most confident first
        var model = io.github.lstmsuite.common.train.ModelZip.loadMultiLayer(trained.model(), false);
        var test = MnistData.loadTest(io.github.lstmsuite.common.data.DatasetResolver.standard(), 1000);
        var mistakes = MnistMistakes.find(model, test, 16);
        assertEquals(16, mistakes.size());
        for (int i = 0; i < mistakes.size(); i++) {
            assertTrue(mistakes.get(i).label() != mistakes.get(i).predicted());
            assertEquals(test.labels()[mistakes.get(i).index()], mistakes.get(i).label());
            assertTrue(i == 0 || mistakes.get(i - 1).confidence() >= mistakes.get(i).confidence());
        }
    }

    @Test
    void explainPrintsTheRealShapesBesidePytorchs() {
        assertTrue(trainOutput.contains("[2, 28, 28]"), trainOutput);
        assertTrue(trainOutput.contains("[2, 64, 28]"), trainOutput);
        assertTrue(trainOutput.contains("out[:, -1, :]: (2, 64)"), trainOutput);
    }

    @Test
    void evaluateReproducesTheTrainingRunsTestAccuracy() {
        Cli.Captured r = run("evaluate", "--model", trained.model().toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        MnistApp.EvaluateResult e = r.outcome().result(MnistApp.EvaluateResult.class);
        assertEquals(10000, e.images());
        // the training run tested on the first 1,000; evaluate defaults to all 10,000: close, not equal
        assertEquals(trained.testAccuracy(), e.report().accuracy(), 0.05);

        MnistData.Split first = MnistData.loadTest(DatasetResolver.standard(), 1000);
        double first1000 = MnistApp.evaluate(io.github.lstmsuite.common.train.ModelZip.loadMultiLayer(trained.model(), false), first).accuracy();
        assertEquals(trained.testAccuracy(), first1000, 1e-12, "same model, same images, same accuracy");
    }

    @Test
    void predictReadsIdxAndPhotosOfDigits() throws Exception {
        Path idx = Path.of(DatasetResolver.findBundledDir().toString(), "mnist", "t10k-images-idx3-ubyte.gz");
        Cli.Captured r = run("predict", "--model", trained.model().toString(), "--limit", "5", idx.toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        MnistApp.PredictResult p = r.outcome().result(MnistApp.PredictResult.class);
        assertEquals(5, p.predictions().size());
        assertEquals(7, p.predictions().get(0).label(), "test image 0 is a 7 and a trained model says so");

        // the same digit as a "photo": black ink on white paper, 3× larger, off centre
        MnistData.Split test = MnistData.loadTest(DatasetResolver.standard(), 1);
        BufferedImage photo = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 120; x++) {
                int r0 = (y - 5) / 3;
                int c0 = (x - 30) / 3;
                int v = (r0 >= 0 && r0 < 28 && c0 >= 0 && c0 < 28 && y >= 5 && x >= 30) ? test.images().pixel(0, r0, c0) : 0;
                int grey = 255 - v;
                photo.setRGB(x, y, (grey << 16) | (grey << 8) | grey);
            }
        }
        Path png = dir.resolve("seven.png");
        ImageIO.write(photo, "png", png.toFile());
        r = run("predict", "--model", trained.model().toString(), "--json", png.toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        MnistApp.Prediction pred = r.outcome().result(MnistApp.PredictResult.class).predictions().get(0);
        assertEquals(7, pred.label());
        assertTrue(pred.preprocessing().contains("inverted"), pred.preprocessing());
        assertTrue(r.out().startsWith("{") && r.out().contains("\"label\" : 7"), r.out());
        assertEquals(1, r.out().strip().lines().count(), "one JSON object per line");
    }

    @Test
    void theJavaApiClassifiesArraysAndPicturesAndRefusesOtherModels() throws Exception {
        // only the public API a new project calls: load, classify a 28×28 array and a picture
        DigitClassifier model = DigitClassifier.load(trained.model());
        IdxReader.Images images = IdxReader.readImages(
                Path.of(DatasetResolver.findBundledDir().toString(), "mnist", "t10k-images-idx3-ubyte.gz")).head(200);
        int[] labels = IdxReader.readLabels(Path.of(DatasetResolver.findBundledDir().toString(), "mnist", "t10k-labels-idx1-ubyte.gz"));
        int right = 0;
        for (int i = 0; i < 200; i++) {
            float[][] px = new float[28][28];
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[r][c] = images.pixel(i, r, c) / 255f;
                }
            }
            DigitClassifier.Classification c = model.classify(px);
            assertEquals(1.0, java.util.Arrays.stream(c.probabilities()).sum(), 1e-4);
            assertEquals(c.digit(), c.top(3)[0]);
            right += c.digit() == labels[i] ? 1 : 0;
        }
        // a trained model gets most of the first 200 test digits right through the API alone
        assertTrue(right >= 0.8 * 200, right + " of 200");
        // many at once (what the server calls): each image's answer is the network's row for it, in input order,
        // and the same as classifying it alone
        java.util.List<float[][]> some = new java.util.ArrayList<>();
        float[] batch = new float[7 * 28 * 28];
        for (int i = 0; i < 7; i++) {
            float[][] px = new float[28][28];
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[r][c] = images.pixel(i + 20, r, c) / 255f;
                    batch[i * 784 + c * 28 + r] = px[r][c];                   // [n, 28 px, 28 rows]
                }
            }
            some.add(px);
        }
        java.util.List<DigitClassifier.Classification> many = model.classify(some);
        float[][] rows = model.network().output(org.nd4j.linalg.factory.Nd4j.create(batch, new long[] {7, 28, 28}, 'c'), false)
                .toFloatMatrix();
        assertEquals(7, many.size());
        for (int i = 0; i < 7; i++) {
            for (int d = 0; d < 10; d++) {
                assertEquals(rows[i][d], many.get(i).probabilities()[d], 0.0, "image " + i + ", digit " + d);
            }
            // (a batch of one may take other kernels: the same sums in another order)
            org.junit.jupiter.api.Assertions.assertArrayEquals(model.classify(some.get(i)).probabilities(),
                    many.get(i).probabilities(), 1e-5, "image " + i + " alone");
            assertEquals(model.classify(some.get(i)).digit(), many.get(i).digit());
        }
        BufferedImage seven = new BufferedImage(60, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 60; x++) {
                int v = images.pixel(0, Math.min(27, y / 2), Math.min(27, x / 2));   // test image 0 (a 7), 2× larger, black on white
                int grey = 255 - v;
                seven.setRGB(x, y, (grey << 16) | (grey << 8) | grey);
            }
        }
        assertEquals(7, model.classify(seven).digit());
        Path notMnist = dir.resolve("other.zip");
        io.github.lstmsuite.common.train.ModelZip.save(model.network(), notMnist, false,
                java.util.Map.of("config.json", "{\"vocabulary\":\"ab\"}"));
        io.github.lstmsuite.common.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.lstmsuite.common.UserException.class, () -> DigitClassifier.load(notMnist));
        assertEquals(notMnist + ": this is a chars model (use it with ./lstm chars), not a mnist model", e.getMessage());
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path notImage = dir.resolve("notes.txt");
        Files.writeString(notImage, "not an image");
        String[][] cases = {
            {"predict", "--model", trained.model().toString(), dir.resolve("missing.png").toString()},
            {"predict", "--model", trained.model().toString(), notImage.toString()},
            {"predict", "--model", notImage.toString(), notImage.toString()},
            {"evaluate", "--model", trained.model().toString(), "--images", "x.idx"},
            {"train", "--hidden", "0"},
            {"train", "--dropout", "1.5"},
            {"train", "--preset", "fastest"},
            {"train", "--resume"},
            {"--epochs", "two"},
        };
        for (String[] args : cases) {
            Cli.Captured r = run(args);
            String what = String.join(" ", args);
            assertEquals(2, r.outcome().exitCode(), what + ": " + r.err());
            // a command that loaded a model says which first ("model: FILE (headline)"); the error is one line
            java.util.List<String> error = r.err().strip().lines().filter(l -> !l.startsWith("model: ")).toList();
            assertEquals(1, error.size(), what + ": " + r.err());
            assertTrue(error.get(0).startsWith("error: "), what + ": " + r.err());
            assertFalse(r.err().contains("\tat "), what);
        }
    }

    @Test
    void helpListsTheCommands() {
        Cli.Captured r = run("--help");
        assertEquals(0, r.outcome().exitCode());
        assertTrue(r.out().contains("train") && r.out().contains("evaluate") && r.out().contains("predict"), r.out());
    }

    @Test
    void quietByDefault() {
        assertFalse(trainOutput.contains("Loaded [CpuBackend]") || trainOutput.contains("INFO"), trainOutput);
    }
}
