package io.github.lstmsuite.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Test
    void readsImagesPlainAndGzipped() throws Exception {
        byte[] px = pixels(3 * 2 * 4);
        for (boolean gz : new boolean[] {false, true}) {
            Path f = IdxFiles.write(dir.resolve("img" + gz), IdxFiles.images(3, 2, 4, px), gz);
            IdxReader.Images img = IdxReader.readImages(f);
            assertEquals(3, img.count());
            assertEquals(2, img.rows());
            assertEquals(4, img.cols());
            assertArrayEquals(px, img.pixels());
            // image 2, row 1, col 3 is byte (2*2+1)*4+3 = 23, value 23*7 = 161 as unsigned
            assertEquals(161, img.pixel(2, 1, 3));
        }
    }

    @Test
    void readsLabelsAsUnsigned() throws Exception {
        Path f = IdxFiles.write(dir.resolve("lab.gz"), IdxFiles.labels(0, 9, 200), true);
        assertArrayEquals(new int[] {0, 9, 200}, IdxReader.readLabels(f));
    }

    @Test
    void truncatedDataIsAClearError() throws Exception {
        byte[] full = IdxFiles.images(3, 2, 4, pixels(24));
        Path f = IdxFiles.write(dir.resolve("cut"), Arrays.copyOf(full, full.length - 5), false);
        UserException e = assertThrows(UserException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void truncatedHeaderIsAClearError() throws Exception {
        Path f = IdxFiles.write(dir.resolve("hdr"), new byte[] {0, 0, 8, 3, 0, 0}, false);
        UserException e = assertThrows(UserException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated IDX header"), e.getMessage());
    }

    @Test
    void wrongMagicIsRejected() throws Exception {
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 2), false);
        UserException e = assertThrows(UserException.class, () -> IdxReader.readImages(labels));
        assertTrue(e.getMessage().contains("this is a labels file"), e.getMessage());
        Path text = IdxFiles.write(dir.resolve("notes.txt"), "hello, world, not IDX".getBytes(), false);
        e = assertThrows(UserException.class, () -> IdxReader.readLabels(text));
        assertTrue(e.getMessage().contains("not an IDX labels file"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws Exception {
        byte[] full = IdxFiles.labels(1, 2, 3);
        Path f = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 2), false);
        UserException e = assertThrows(UserException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void aHeaderClaimingHugeSizesIsRefusedBeforeAllocating() throws Exception {
        // 2,000 images of 1000×1000 = 2 GB claimed, 10 bytes present: beyond the test JVM's 1 GB heap
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(26).putInt(IdxReader.IMAGES_MAGIC).putInt(2000).putInt(1000).putInt(1000);
        Path f = IdxFiles.write(dir.resolve("huge.gz"), b.array(), true);
        UserException e = assertThrows(UserException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("more than fits in this JVM's free heap"), e.getMessage());
        // 200 MB claimed (fits the heap), 10 bytes present: truncated, without a 200 MB buffer
        java.nio.ByteBuffer c = java.nio.ByteBuffer.allocate(18).putInt(IdxReader.LABELS_MAGIC).putInt(200_000_000);
        Path g = IdxFiles.write(dir.resolve("claims.gz"), c.array(), true);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        e = assertThrows(UserException.class, () -> IdxReader.readLabels(g));
        assertTrue(e.getMessage().contains("truncated: header says 200000000 labels"), e.getMessage());
    }
}
