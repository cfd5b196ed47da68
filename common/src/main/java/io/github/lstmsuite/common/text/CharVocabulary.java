package io.github.lstmsuite.common.text;

import io.github.lstmsuite.common.UserException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The characters a model knows, each with an index (sorted by code point, so the same text always gives
 * the same indices). Built from the training text and saved with the model as a plain string.
 */
public final class CharVocabulary {
    /** What to do with a character the vocabulary lacks. */
    public enum Unknown {
        /** a one-line error naming the character */
        error,
        /** leave it out */
        skip
    }

    private final int[] codePoints;
    private final Map<Integer, Integer> index = new HashMap<>();

    private CharVocabulary(int[] sortedDistinct) {
        this.codePoints = sortedDistinct;
        for (int i = 0; i < codePoints.length; i++) {
            index.put(codePoints[i], i);
        }
    }

    /** The distinct characters of {@code text}. */
    public static CharVocabulary of(String text) {
        if (text.isEmpty()) {
            throw new UserException("cannot build a vocabulary from empty text");
        }
        return new CharVocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** Reads back {@link #serialize()}. */
    public static CharVocabulary parse(String serialized) {
        return of(serialized);
    }

    /** Every character once, in index order. */
    public String serialize() {
        return new String(codePoints, 0, codePoints.length);
    }

    public int size() {
        return codePoints.length;
    }

    /** The index of {@code codePoint}, or -1. */
    public int indexOf(int codePoint) {
        return index.getOrDefault(codePoint, -1);
    }

    /** The character (code point) of {@code i}. */
    public int codePoint(int i) {
        return codePoints[i];
    }

    /**
     * The indices of {@code text}'s characters. With {@link Unknown#error}, a character outside the
     * vocabulary is a one-line error naming it and {@code what} (e.g. "--prime").
     */
    public int[] encode(String text, Unknown unknown, String what) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        int n = 0;
        for (int cp : cps) {
            int i = indexOf(cp);
            if (i >= 0) {
                out[n++] = i;
            } else if (unknown == Unknown.error) {
                throw new UserException(what + ": the character " + describe(cp)
                        + " is not in the model's vocabulary of " + size() + " characters (--unknown skip leaves such characters out)");
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The text of {@code indices}. */
    public String decode(int[] indices) {
        StringBuilder sb = new StringBuilder();
        for (int i : indices) {
            sb.appendCodePoint(codePoints[i]);
        }
        return sb.toString();
    }

    /** {@code 'x' (U+0078)}, with control characters shown by their code only. */
    public static String describe(int cp) {
        String u = String.format("U+%04X", cp);
        return Character.isISOControl(cp) ? u : "'" + new String(Character.toChars(cp)) + "' (" + u + ")";
    }
}
