package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.mnist.MnistApp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MNIST-rows classifier trained through Spark in local[2], read from the IDX files by Spark; its model is ./lstm mnist's. */
class SparkMnistTest {
    @Test
    void averagedWorkersLearnTheDigitsAndTheModelEvaluatesLikeASingleMachineOne(@TempDir Path tmp) {
        Cli.Captured c = Cli.captured(() -> SparkApp.runExample("mnist", "--master", "local[2]", "--train-size", "4000",
                "--val-size", "1000", "--epochs", "2", "--batch-size", "32", "--averaging-frequency", "5", "--validate-every", "13",
                "--seed", "1", "--output-dir", tmp.resolve("run").toString()));
        assertEquals(0, c.outcome().exitCode(), c.err());
        SparkMnist.Result r = c.outcome().result(SparkMnist.Result.class);
        assertTrue(r.testAccuracy() >= FLOOR, "test accuracy " + r.testAccuracy());
        assertEquals(2 * 13, r.rounds().size(), "4,000 images in rounds of 2 × 32 × 5 = 320: 13 rounds an epoch");
        // ./lstm mnist evaluate --model … scores the same 10,000 test images the same way
        Cli.Captured e = Cli.captured(() -> MnistApp.runExample("evaluate", "--model", r.model().toString()));
        assertEquals(0, e.outcome().exitCode(), e.err());
        assertEquals(r.testAccuracy(), e.outcome().result(MnistApp.EvaluateResult.class).report().accuracy(), 1e-9);
    }

    /** Measured: see the module README; the floor leaves room below it. */
    private static final double FLOOR = 0.75;
}
