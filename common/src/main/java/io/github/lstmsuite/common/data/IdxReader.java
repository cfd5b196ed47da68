package io.github.lstmsuite.common.data;

import io.github.lstmsuite.common.UserException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reads the IDX files of MNIST (and of any IDX data set of unsigned bytes), plain or gzip-compressed.
 *
 * <p>IDX is big-endian: images are {@code int32 magic 2051, int32 n, int32 rows, int32 cols}, then
 * {@code n·rows·cols} unsigned bytes, row-major; labels are {@code int32 magic 2049, int32 n}, then
 * {@code n} unsigned bytes. Every header field and the length are checked; a truncated or foreign
 * file is a {@link UserException} that names the file.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images as unsigned bytes, row-major: pixel (i, r, c) is {@code pixels[(i·rows + r)·cols + c] & 0xff}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** Pixel value 0–255 of image {@code i} at row {@code r}, column {@code c}. */
        public int pixel(int i, int r, int c) {
            return pixels[(i * rows + r) * cols + c] & 0xff;
        }

        /** The first {@code n} images. */
        public Images head(int n) {
            int m = Math.min(n, count);
            return new Images(m, rows, cols, java.util.Arrays.copyOf(pixels, m * rows * cols));
        }
    }

    /** Reads an images file (magic 2051). */
    public static Images readImages(Path file) {
        try (DataInputStream in = new DataInputStream(ContentHash.openContent(file))) {
            int magic = header(in, file);
            if (magic != IMAGES_MAGIC) {
                throw new UserException(file + ": not an IDX images file (magic " + magic + ", expected "
                        + IMAGES_MAGIC + (magic == LABELS_MAGIC ? "; this is a labels file" : "") + ")");
            }
            int n = header(in, file);
            int rows = header(in, file);
            int cols = header(in, file);
            if (n < 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols > Integer.MAX_VALUE - 8) {
                throw new UserException(file + ": implausible IDX dimensions " + n + "×" + rows + "×" + cols);
            }
            byte[] pixels = readDeclared(in, (long) n * rows * cols, file, "images", n);
            expectEnd(in, file);
            return new Images(n, rows, cols, pixels);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a labels file (magic 2049) as values 0–255. */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = new DataInputStream(ContentHash.openContent(file))) {
            int magic = header(in, file);
            if (magic != LABELS_MAGIC) {
                throw new UserException(file + ": not an IDX labels file (magic " + magic + ", expected "
                        + LABELS_MAGIC + (magic == IMAGES_MAGIC ? "; this is an images file" : "") + ")");
            }
            int n = header(in, file);
            if (n < 0) {
                throw new UserException(file + ": negative IDX count " + n);
            }
            byte[] raw = readDeclared(in, n, file, "labels", n);
            expectEnd(in, file);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static int header(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new UserException(file + ": truncated IDX header (file too short to be IDX)");
        }
    }

    /**
     * The {@code declared} data bytes the header announces, read without trusting it: a size beyond the
     * free heap is refused before anything is allocated, and the buffer grows only with the bytes that
     * really arrive (a damaged header over a short file costs the file's size, not the header's claim).
     */
    private static byte[] readDeclared(InputStream in, long declared, Path file, String what, int n) throws IOException {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (declared > free / 2) {
            throw new UserException(String.format("%s: the header says %,d %s (%,.0f MB), more than fits in this JVM's "
                    + "free heap (%,.0f MB): a damaged header, or raise the heap (LSTM_JAVA_OPTS=-Xmx4g)",
                    file, n, what, declared / 1e6, free / 1e6));
        }
        byte[] buf = new byte[(int) Math.min(declared, 1 << 20)];
        int off = 0;
        while (off < declared) {
            if (off == buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(declared, 2L * buf.length));
            }
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                throw new UserException(file + ": truncated: header says " + n + " " + what + " ("
                        + declared + " data bytes) but the file holds only " + off);
            }
            off += r;
        }
        return buf;
    }

    private static void expectEnd(InputStream in, Path file) throws IOException {
        if (in.read() >= 0) {
            throw new UserException(file + ": longer than its IDX header says (trailing bytes)");
        }
    }
}
