package io.github.lstmsuite.common.text;

import io.github.lstmsuite.common.UserException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a text corpus strictly: a UTF-8 file, or a folder of {@code .txt} files (sorted by name and
 * joined). Empty files, binary data (a NUL byte) and invalid UTF-8 are one-line errors that name the
 * file and the byte offset, so a wrong file never trains a model on garbage.
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    /** The text of {@code path} (a file or a folder of .txt files). */
    public static String read(Path path) {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".txt") && Files.isRegularFile(p)).sorted().toList();
            } catch (IOException e) {
                throw new UserException(path + ": cannot list the folder (" + e.getMessage() + ")");
            }
            if (files.isEmpty()) {
                throw new UserException(path + ": no .txt files in this folder");
            }
            StringBuilder sb = new StringBuilder();
            long total = 0;
            for (Path f : files) {
                io.github.lstmsuite.common.data.InputLimits.checkText(f, total);
                String text = readFile(f);
                total += text.length();
                sb.append(text);
            }
            return sb.toString();
        }
        return readFile(path);
    }

    /** One UTF-8 file, checked. */
    public static String readFile(Path file) {
        byte[] bytes;
        io.github.lstmsuite.common.data.InputLimits.checkText(file, 0);
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException(file + ": no such file");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return decode(bytes, file.toString());
    }

    /** Decodes {@code bytes} as UTF-8; {@code name} is used in the error messages. */
    public static String decode(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new UserException(name + ": the file is empty; expected UTF-8 text");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new UserException(name + ": binary data (a NUL byte) at byte offset " + i + "; expected UTF-8 text");
            }
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw new UserException(name + ": not valid UTF-8 at byte offset " + in.position() + "; expected UTF-8 text");
        }
        r = dec.flush(out);
        if (r.isError()) {
            throw new UserException(name + ": not valid UTF-8 at byte offset " + in.position());
        }
        out.flip();
        String s = out.toString();
        if (s.startsWith("\uFEFF")) {
            s = s.substring(1);     // a byte-order mark is not text
        }
        return s;
    }

}
