package io.github.lstmsuite.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run folders never mix: non-empty needs --resume or --force, unique names, one writer at a time. */
class RunDirsTest {

    @Test
    void aNonEmptyOutputDirNeedsResumeOrForce(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve("checkpoints"));
        Files.writeString(run.resolve("summary.json"), "{}");
        Files.writeString(run.resolve("checkpoints/last.zip"), "old");
        String msg = assertThrows(UserException.class, () -> RunDirs.create(run, "mnist", false, false)).getMessage();
        assertTrue(msg.startsWith("--output-dir " + run + ": not empty"), msg);
        assertEquals(run, RunDirs.create(run, "mnist", true, false));            // --resume keeps everything
        assertTrue(Files.exists(run.resolve("checkpoints/last.zip")));
        assertEquals(run, RunDirs.create(run, "mnist", false, true));            // --force empties it
        assertFalse(Files.exists(run.resolve("checkpoints")));
        assertFalse(Files.exists(run.resolve("summary.json")));
        assertEquals(run, RunDirs.create(run, "mnist", false, false));           // empty now: fine
    }

    @Test
    void forceRefusesAFolderThatIsNotARunFolder(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("thesis.tex"), "precious");
        String msg = assertThrows(UserException.class, () -> RunDirs.create(tmp, "mnist", false, true)).getMessage();
        assertTrue(msg.contains("thesis.tex"), msg);
        assertTrue(Files.exists(tmp.resolve("thesis.tex")));
    }

    @Test
    void forceEmptiesARunFolderWithPerPartSubFolders(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("forecast-run");
        Files.createDirectories(dir.resolve("direct/checkpoints"));
        Files.writeString(dir.resolve("direct/checkpoints/last.zip"), "zip");
        Files.writeString(dir.resolve("direct/metrics.csv"), "epoch\n");
        Files.writeString(dir.resolve("summary.json"), "{}");
        Files.writeString(dir.resolve("report.html"), "<html/>");
        Files.writeString(dir.resolve("loss_curve.csv"), "step,train_loss\n");
        Files.writeString(dir.resolve("attention_1.svg"), "<svg/>");          // the attention translator's heat maps
        Path again = RunDirs.create(dir, "forecast", false, true);
        assertEquals(dir, again);
        try (var s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> !p.getFileName().toString().startsWith(".")).count(), "emptied");
        }
        Files.createDirectories(dir.resolve("direct"));
        Files.writeString(dir.resolve("direct/notes.md"), "mine");          // not something a run writes
        assertThrows(UserException.class, () -> RunDirs.create(dir, "forecast", false, true));
        assertTrue(Files.exists(dir.resolve("direct/notes.md")));
    }

    @Test
    void theNewestFullRunsModelIsPreferredOverANewerQuickOne(@TempDir Path tmp) throws Exception {
        Path full = run(tmp, "20261201-100000", false, "test accuracy 0.9683", 1_000);
        Path quick = run(tmp, "20261201-110000", true, "test accuracy 0.5950", 2_000);
        assertEquals(full, RunDirs.newestModel(tmp, "mnist"));
        assertEquals("model: " + full + " (test accuracy 0.9683)", RunDirs.describeModel(full));
        assertEquals("model: " + quick + " (test accuracy 0.5950) — a --quick smoke run: train a full one for real results",
                RunDirs.describeModel(quick));
        Files.delete(full);
        assertEquals(quick, RunDirs.newestModel(tmp, "mnist"), "only quick runs left: the newest of them");
    }

    private static Path run(Path runs, String name, boolean quick, String headline, long age) throws Exception {
        Path dir = Files.createDirectories(runs.resolve(name));
        Files.writeString(dir.resolve("summary.json"), "{\"app\":\"mnist\",\"headline\":\"" + headline + "\",\"quick\":" + quick + "}");
        Path model = Files.writeString(dir.resolve("model.zip"), "zip");
        Files.setLastModifiedTime(model, java.nio.file.attribute.FileTime.fromMillis(1_800_000_000_000L + age));
        return model;
    }

    @Test
    void runsStartedInTheSameSecondGetTheirOwnFolders(@TempDir Path tmp) {
        Path a = RunDirs.createUnique(tmp, "20261202-101010");
        Path b = RunDirs.createUnique(tmp, "20261202-101010");
        Path c = RunDirs.createUnique(tmp, "20261202-101010");
        assertNotEquals(a, b);
        assertEquals("20261202-101010-2", b.getFileName().toString());
        assertEquals("20261202-101010-3", c.getFileName().toString());
    }

    @Test
    void aSecondWriterIsRefusedAndAReleasedLockIsTakenOver(@TempDir Path tmp) throws Exception {
        try (RunDirs.Lock first = RunDirs.lock(tmp)) {
            String msg = assertThrows(UserException.class, () -> RunDirs.lock(tmp)).getMessage();
            assertTrue(msg.contains("another run is writing into this folder"), msg);
            assertTrue(msg.contains("process " + ProcessHandle.current().pid()), msg);
        }
        // a lock file left behind (as by a killed run) holds nobody: it is taken over
        Files.writeString(tmp.resolve(RunDirs.LOCK_FILE), "process 999999");
        try (RunDirs.Lock again = RunDirs.lock(tmp)) {
            assertEquals("process " + ProcessHandle.current().pid(), Files.readString(tmp.resolve(RunDirs.LOCK_FILE)));
        }
    }
}
