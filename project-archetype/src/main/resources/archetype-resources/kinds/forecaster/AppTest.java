package com.example.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app as a user runs it: a short fixed-seed run must beat the naive forecasts and write its run folder. */
class AppTest {

    @Test
    void aShortRunBeatsTheNaiveBaselinesAndWritesItsRunFolder(@TempDir Path dir) throws Exception {
        Cli.Outcome o = App.run("--epochs", "60", "--seed", "1", "--output-dir", dir.resolve("run").toString());
        assertEquals(0, o.exitCode());
        App.Result r = o.result(App.Result.class);
        double lstm = r.test().get("lstm").mase();
        assertTrue(lstm < r.test().get("naive").mase(), "LSTM MASE " + lstm + " vs naive " + r.test().get("naive").mase());
        assertTrue(lstm < r.test().get("mean").mase(), "LSTM MASE " + lstm + " vs mean");
        for (String f : new String[] {"summary.json", "metrics.csv", "model.zip", "learning_curves.png", "forecast.png"}) {
            assertTrue(Files.size(r.runDir().resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(r.runDir().resolve("summary.json")).contains("\"test_mase_lstm\""));
    }

    @Test
    void badInputIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        assertEquals(2, App.run("--horizon", "0").exitCode());
        assertEquals(2, App.run("--data", "no-such.csv", "--output-dir", dir.resolve("a").toString()).exitCode());
        Path bad = Files.writeString(dir.resolve("bad.csv"), "month,value\n2000-01,1\n2000-02,abc\n");
        assertEquals(2, App.run("--data", bad.toString(), "--output-dir", dir.resolve("b").toString()).exitCode());
    }
}
