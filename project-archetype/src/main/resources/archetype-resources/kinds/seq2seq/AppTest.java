package com.example.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app as a user runs it: a short fixed-seed run must learn to translate and write its run folder. */
class AppTest {

    @Test
    void aShortRunLearnsToTranslateAndWritesItsRunFolder(@TempDir Path dir) throws Exception {
        Cli.Outcome o = App.run("--epochs", "6", "--seed", "1", "--output-dir", dir.resolve("run").toString(), "3 march 2019");
        assertEquals(0, o.exitCode());
        App.Result r = o.result(App.Result.class);
        assertTrue(r.testExactMatch() >= 0.5, "test exact match " + r.testExactMatch());
        assertEquals(1, r.translations().size());
        assertTrue(r.translations().get(0).matches("\\d{4}-\\d{2}-\\d{2}"), r.translations().get(0));
        for (String f : new String[] {"summary.json", "metrics.csv", "model.zip", "learning_curves.png"}) {
            assertTrue(Files.size(r.runDir().resolve(f)) > 0, f);
        }
    }

    @Test
    void badInputIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        assertEquals(2, App.run("--hidden", "0").exitCode());
        Path noTabs = Files.writeString(dir.resolve("pairs.tsv"), "no tab on this line\n");
        assertEquals(2, App.run("--data", noTabs.toString(), "--output-dir", dir.resolve("a").toString()).exitCode());
    }
}
