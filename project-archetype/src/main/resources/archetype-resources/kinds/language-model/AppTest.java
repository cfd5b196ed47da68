package com.example.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app as a user runs it: a short fixed-seed run must learn the text's statistics and write its run folder. */
class AppTest {

    @Test
    void aShortRunLearnsAndWritesItsRunFolder(@TempDir Path dir) throws Exception {
        Cli.Outcome o = App.run("--epochs", "1", "--seed", "1", "--sample-length", "80", "--output-dir", dir.resolve("run").toString());
        assertEquals(0, o.exitCode());
        App.Result r = o.result(App.Result.class);
        // uniform guessing over ~60 characters costs ln 60 ≈ 4.1 nats; one epoch gets well below 3
        assertTrue(r.valLossNatsPerChar() < 3.0, "validation loss " + r.valLossNatsPerChar());
        assertEquals(81, r.sample().length(), "the prime and 80 characters");
        for (String f : new String[] {"summary.json", "metrics.csv", "model.zip", "learning_curves.png", "sample.txt"}) {
            assertTrue(Files.size(r.runDir().resolve(f)) > 0, f);
        }
        // same seed, same text
        Cli.Outcome again = App.run("--epochs", "1", "--seed", "1", "--sample-length", "80", "--output-dir", dir.resolve("again").toString());
        assertEquals(r.sample(), again.result(App.Result.class).sample());
    }

    @Test
    void badInputIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        assertEquals(2, App.run("--hidden", "0").exitCode());
        assertEquals(2, App.run("--data", "no-such.txt", "--output-dir", dir.resolve("a").toString()).exitCode());
        Path binary = Files.write(dir.resolve("bin.txt"), new byte[] {1, 0, 2});
        assertEquals(2, App.run("--data", binary.toString(), "--output-dir", dir.resolve("b").toString()).exitCode());
    }
}
