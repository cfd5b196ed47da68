package io.github.lstmsuite.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
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
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, tmp -> {
            Files.writeString(tmp, "half of version 2");
            throw new IOException("killed mid-write");
        }));
        assertEquals("version 1", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void metricsCsvHasTheUnionOfColumns() throws Exception {
        Path f = dir.resolve("metrics.csv");
        MetricsCsv.write(f, List.of(Map.of("epoch", 1.0), new java.util.LinkedHashMap<>(Map.of("epoch", 2.0))));
        assertEquals("epoch\n1\n2\n", Files.readString(f));
    }
}
