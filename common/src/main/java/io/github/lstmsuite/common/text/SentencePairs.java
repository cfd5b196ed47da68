package io.github.lstmsuite.common.text;

import io.github.lstmsuite.common.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tab-separated sentence pairs, one per line: {@code source<TAB>target[<TAB>anything]} (a third column,
 * e.g. Tatoeba's attribution, is ignored). Blank lines are skipped; a line without a tab is an error
 * naming the file and the line.
 */
public final class SentencePairs {
    private SentencePairs() {
    }

    /** One pair, with its line number. */
    public record Pair(String source, String target, int line) {
        public Pair reversed() {
            return new Pair(target, source, line);
        }
    }

    /** Reads {@code file} (UTF-8). */
    public static List<Pair> read(Path file) {
        return parse(file.toString(), TextCorpus.readFile(file));
    }

    public static List<Pair> parse(String source, String text) {
        List<Pair> pairs = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split("\t", -1);
            if (f.length < 2) {
                throw new UserException(source + ": line " + (i + 1) + " has no tab (expected source<TAB>target)");
            }
            if (f[0].isBlank() || f[1].isBlank()) {
                throw new UserException(source + ": line " + (i + 1) + " has an empty " + (f[0].isBlank() ? "source" : "target"));
            }
            pairs.add(new Pair(f[0].strip(), f[1].strip(), i + 1));
        }
        if (pairs.isEmpty()) {
            throw new UserException(source + ": no sentence pairs (expected lines of source<TAB>target)");
        }
        return pairs;
    }
}
