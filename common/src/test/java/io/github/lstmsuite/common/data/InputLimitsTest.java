package io.github.lstmsuite.common.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.series.CsvSeries;
import io.github.lstmsuite.common.text.TextCorpus;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text inputs larger than the heap can hold are refused before they are read. */
class InputLimitsTest {

    @Test
    void aTextFileBeyondTheLimitIsOneLineNotAnOutOfMemoryError(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(InputLimits.maxTextBytes() + 1);              // sparse: no disk used
        }
        UserException e = assertThrows(UserException.class, () -> TextCorpus.read(big));
        assertTrue(e.getMessage().startsWith(big + ": ") && e.getMessage().contains("more than this JVM reads at once"), e.getMessage());
        Path csv = dir.resolve("huge.csv");
        try (RandomAccessFile f = new RandomAccessFile(csv.toFile(), "rw")) {
            f.setLength(InputLimits.maxTextBytes() + 1);
        }
        e = assertThrows(UserException.class, () -> CsvSeries.read(csv, new CsvSeries.Columns(null, null, null), CsvSeries.Missing.error));
        assertTrue(e.getMessage().contains("more than this JVM reads at once"), e.getMessage());
    }
}
