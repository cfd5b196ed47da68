package io.github.lstmsuite.common.data;

import io.github.lstmsuite.common.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How large an input file the suite reads whole. The text readers (corpus, CSV, TSV) hold a file's bytes,
 * its decoded characters and the parsed result at once — about {@value #COPIES} times the file's size in
 * heap — so a file above {@link #maxTextBytes()} (the heap divided by that) is refused in one line before
 * anything is read, instead of failing with an {@link OutOfMemoryError} half-way.
 */
public final class InputLimits {
    /** Heap bytes a text reader needs per byte of file, with margin. */
    public static final int COPIES = 8;

    private InputLimits() {
    }

    /** The largest text input this JVM reads whole: its maximum heap / {@value #COPIES}. */
    public static long maxTextBytes() {
        return Runtime.getRuntime().maxMemory() / COPIES;
    }

    /** Refuses {@code file} (together with {@code alreadyRead} bytes of the same input) when it exceeds {@link #maxTextBytes()}. */
    public static void checkText(Path file, long alreadyRead) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return;             // the reader reports a missing or unreadable file in its own words
        }
        checkText(file.toString(), size + alreadyRead, maxTextBytes());
    }

    static void checkText(String name, long bytes, long limit) {
        if (bytes > limit) {
            throw new UserException(String.format("%s: %,.1f MB of text is more than this JVM reads at once (at most %,.1f MB: "
                    + "1/%d of its %,.0f MB heap); use a part of it, or raise the heap (LSTM_JAVA_OPTS=-Xmx4g)",
                    name, bytes / 1e6, limit / 1e6, COPIES, Runtime.getRuntime().maxMemory() / 1e6));
        }
    }
}
