package com.example.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app as a user runs it: a short fixed-seed training run must learn, and write its run folder. */
class AppTest {

    @Test
    void aShortRunLearnsAndWritesItsRunFolder(@TempDir Path dir) throws Exception {
        Cli.Outcome o = App.run("--epochs", "8", "--seed", "1", "--output-dir", dir.resolve("run").toString());
        assertEquals(0, o.exitCode());
        App.Result r = o.result(App.Result.class);
        // 6 classes: chance is 0.17; 8 epochs on the bundled series reach far above it
        assertTrue(r.testAccuracy() >= 0.6, "test accuracy " + r.testAccuracy());
        for (String f : new String[] {"summary.json", "metrics.csv", "model.zip", "learning_curves.png", "confusion_matrix.png"}) {
            assertTrue(Files.size(r.runDir().resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(r.runDir().resolve("summary.json")).contains("\"test_accuracy\""));
    }

    @Test
    void badFlagsAreOneLineAndExitCode2() {
        assertEquals(2, App.run("--epochs", "0").exitCode());
        assertEquals(2, App.run("--data", "no-such-folder", "--output-dir", "target/bad-data").exitCode());
    }
}
