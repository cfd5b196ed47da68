package io.github.lstmsuite.common.data;

import java.util.List;
import java.util.Objects;

/**
 * One file of a data set, as the resolver looks for it.
 *
 * @param dataset  the data set's folder name under the bundled and cache directories, e.g. {@code mnist}
 * @param fileName the file name, e.g. {@code train-images-idx3-ubyte.gz}
 * @param sha256   sha256 (lower-case hex) of the file's <em>content</em>: for a {@code .gz} file, of the
 *                 decompressed bytes, so a re-compressed copy and the original mirror file both verify
 * @param urls     canonical download addresses, tried in order
 */
public record DatasetFile(String dataset, String fileName, String sha256, List<String> urls) {
    public DatasetFile {
        Objects.requireNonNull(dataset);
        Objects.requireNonNull(fileName);
        Objects.requireNonNull(sha256);
        urls = List.copyOf(urls);
    }

    /** Whether the content is gzip-compressed (judged by the name). */
    public boolean gzipped() {
        return fileName.endsWith(".gz");
    }
}
