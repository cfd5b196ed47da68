package io.github.lstmsuite.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesThePreviousVersionAndNoTemporaryFile() throws Exception {
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "version 1");
        io.github.lstmsuite.common.UserException e = assertThrows(io.github.lstmsuite.common.UserException.class,
                () -> AtomicFiles.write(f, tmp -> {
                    Files.writeString(tmp, "half of version 2");
                    throw new IOException("No space left on device");
                }));
        // one line: which file, why, and how much space is free there
        assertEquals(true, e.getMessage().matches("cannot write " + java.util.regex.Pattern.quote(f.toString())
                + ": No space left on device \\([0-9,.]+ MB free there\\); nothing was replaced"), e.getMessage());
        assertEquals("version 1", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void writtenFilesGetTheUmaskNotPrivateTemporaryModes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));          // what the user's umask gives a new file
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "{}");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    }

    @Test
    void metricsCsvHasTheUnionOfColumns() throws Exception {
        Path f = dir.resolve("metrics.csv");
        MetricsCsv.write(f, List.of(Map.of("epoch", 1.0), new java.util.LinkedHashMap<>(Map.of("epoch", 2.0))));
        assertEquals("epoch\n1\n2\n", Files.readString(f));
    }
}
