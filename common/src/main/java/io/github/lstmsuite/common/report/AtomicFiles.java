package io.github.lstmsuite.common.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes that never leave a half-written file: write a temporary sibling, then rename it over the
 * target. A run killed mid-write leaves the previous version intact.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    /** A fresh temporary path in the same folder as {@code target} (same file system, so rename is atomic). */
    public static Path tempSibling(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Files.createFile, not createTempFile: the file gets the user's umask (createTempFile makes it 600)
        Path tmp;
        while (true) {
            try {
                tmp = Files.createFile(dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp"));
                break;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
        tmp.toFile().deleteOnExit();     // a JVM that exits mid-write (a second Ctrl-C) removes it; renamed, it is gone already
        return tmp;
    }

    /** Renames {@code tmp} over {@code target}, atomically where the file system allows. */
    public static void moveInto(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A writer of a file's content into a path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path path) throws IOException;
    }

    /** Lets {@code writer} write a temporary file, then renames it to {@code target}. */
    public static void write(Path target, Writer writer) {
        Path tmp = null;
        try {
            tmp = tempSibling(target);
            writer.write(tmp);
            moveInto(tmp, target);
        } catch (IOException e) {
            throw new io.github.lstmsuite.common.UserException("cannot write " + target + ": " + reason(e)
                    + " (" + freeSpace(target) + "); nothing was replaced", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and harmless
                }
            }
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** "N MB free on the file system of target" (or why that is unknown). */
    static String freeSpace(Path target) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            while (dir != null && !Files.exists(dir)) {
                dir = dir.getParent();
            }
            if (dir == null) {
                return "free space unknown";
            }
            long free = Files.getFileStore(dir).getUsableSpace();
            return String.format("%,.1f MB free there", free / 1e6);
        } catch (IOException | RuntimeException e) {
            return "free space unknown";
        }
    }

    /** Writes {@code text} (UTF-8) atomically. */
    public static void writeString(Path target, String text) {
        write(target, p -> Files.writeString(p, text, StandardCharsets.UTF_8));
    }
}
