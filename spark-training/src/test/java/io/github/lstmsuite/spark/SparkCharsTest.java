package io.github.lstmsuite.spark;

import io.github.lstmsuite.chars.CharApp;
import io.github.lstmsuite.chars.CharGenerate;
import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The char model trained through Spark in local[2]: rounds of parameter averaging, a checkpoint per round, --resume, the same model file. */
class SparkCharsTest {
    @TempDir
    Path tmp;

    private static Cli.Captured spark(String... args) {
        return Cli.captured(() -> SparkApp.runExample(args));
    }

    private static String[] job(Path dir, String... more) {
        String[] base = {"chars", "--master", "local[2]", "--workers", "2", "--max-chars", "40000", "--hidden", "32", "--layers", "1",
                "--embedding", "8", "--tbptt", "25", "--window", "100", "--batch-size", "8", "--averaging-frequency", "2",
                "--epochs", "1", "--sample-length", "40", "--learning-rate", "0.01", "--seed", "3", "--output-dir", dir.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void roundsOfAveragingLowerTheLossCheckpointResumeAndTheModelLoadsLikeASingleMachineOne() throws Exception {
        Path dir = tmp.resolve("run");
        // 36,000 training characters = 360 windows of 100; a round: 2 workers × 8 windows × 2 mini-batches = 32 → 12 rounds
        Cli.Captured first = spark(job(dir, "--max-rounds", "3"));
        assertEquals(0, first.outcome().exitCode(), first.err());
        SparkChars.Result stopped = first.outcome().result(SparkChars.Result.class);
        assertTrue(stopped.interrupted());
        assertEquals(3, stopped.rounds().size());
        assertTrue(Files.isRegularFile(dir.resolve("checkpoints/last.zip")));

        Cli.Captured rest = spark(job(dir, "--resume"));
        assertEquals(0, rest.outcome().exitCode(), rest.err());
        assertTrue(rest.out().contains("resuming from"), rest.out());
        SparkChars.Result r = rest.outcome().result(SparkChars.Result.class);
        assertEquals(12 - 3, r.rounds().size(), "the resumed run did the remaining rounds");
        // ln 60 ≈ 4.1 nats/char for a uniform guess over the vocabulary; a dozen averaged rounds must do clearly better
        assertTrue(r.valLossNatsPerChar() < 3.3, "validation loss " + r.valLossNatsPerChar());
        double firstVal = stopped.rounds().get(0).get("val_loss");
        assertTrue(r.valLossNatsPerChar() < firstVal, r.valLossNatsPerChar() + " vs " + firstVal);
        for (var row : r.rounds()) {
            assertTrue(row.get("compute_ms_mean") > 0 && row.get("round_seconds") > 0, row.toString());
        }
        String summary = Files.readString(dir.resolve("summary.json"));
        for (String key : new String[] {"\"val_loss_nats_per_char\"", "\"val_bits_per_char\"", "\"averaging_frequency\" : 2",
                "\"training_master\" : \"ParameterAveragingTrainingMaster\"", "\"round_timings\"", "\"bytes_per_round\""}) {
            assertTrue(summary.contains(key), key + " in " + summary);
        }

        // ./lstm chars generate --model … takes it as it takes a single-machine model
        Cli.Captured gen = Cli.captured(() -> CharApp.runExample("generate", "--model", r.model().toString(), "--length", "30", "--seed", "1"));
        assertEquals(0, gen.outcome().exitCode(), gen.err());
        assertEquals(30, gen.outcome().result(CharGenerate.Result.class).text().codePointCount(0,
                gen.outcome().result(CharGenerate.Result.class).text().length()));
    }

    @Test
    void gradientSharingThroughTheParameterServerTrainsToo() {
        Cli.Captured c = spark(job(tmp.resolve("sharing"), "--training-master", "sharing"));
        assertEquals(0, c.outcome().exitCode(), c.err());
        SparkChars.Result r = c.outcome().result(SparkChars.Result.class);
        // a uniform guess over the ~60 characters scores ln 60 ≈ 4.1; the shared updates must have moved the driver's model
        assertTrue(r.valLossNatsPerChar() < 3.5, "validation loss " + r.valLossNatsPerChar());
        assertTrue(c.out().contains("SharedTrainingMaster"), c.out());
    }

    @Test
    void badInputIsOneLineAndExitCode2() {
        String[][] cases = {
                {"chars", "--master", "spark:/nope"},
                {"chars", "--master", "spark://127.0.0.1:1", "--quick"},
                {"chars", "--master", "local[2]", "--corpus", tmp.resolve("missing.txt").toString()},
                {"chars", "--master", "local[2]", "--executor-memory", "256m"},
                {"chars", "--master", "local[2]", "--executor-memory", "lots"},
                {"chars", "--master", "local[2]", "--training-master", "gossip"},
                {"chars", "--master", "local[2]", "--ui"},
        };
        String[] expect = {"not a Spark master URL", "nothing answers there", "no such file", "too little", "not a memory size",
                "averaging or sharing", "not for Spark jobs"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Captured c = spark(cases[i]);
            assertEquals(2, c.outcome().exitCode(), String.join(" ", cases[i]) + ": " + c.err());
            assertEquals(1, c.err().strip().lines().count(), c.err());
            assertTrue(c.err().contains(expect[i]), c.err());
        }
    }
}
