package io.github.lstmsuite.common.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text → tokens for translation: Unicode NFC, optional lower-casing, then either words with punctuation
 * split off ({@code "Ça alors !"} → {@code ça, alors, !}; {@code "l'ont"} → {@code l', ont}) or single
 * characters. {@link #join} is the inverse used to show and score output.
 *
 * @param chars     character tokens instead of words
 * @param lowercase lower-case everything (the default: the corpus is small)
 */
public record Tokenizer(boolean chars, boolean lowercase) {
    /** A word (letters, digits, joined by inner hyphens), an elided prefix ending in an apostrophe, or one other non-space character. */
    private static final Pattern WORD = Pattern.compile("\\p{L}+['’]|[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*|\\S");

    /** Any Unicode white space, including French typography's no-break spaces before {@code ! ? :}. */
    private static final Pattern SPACE = Pattern.compile("(?U)\\s+");

    /** NFC, then lower case if asked, with runs of white space (no-break spaces too) made one space. */
    public String normalize(String text) {
        String s = SPACE.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ").strip();
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** The word pattern {@link #tokenize} matches (for callers that need the tokens' positions). */
    public Pattern wordPattern() {
        return WORD;
    }

    public List<String> tokenize(String text) {
        String s = normalize(text);
        List<String> out = new ArrayList<>();
        if (chars) {
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Tokens back to text: characters concatenated; words joined by spaces, none after an elided "l'". */
    public String join(List<String> tokens) {
        if (chars) {
            return String.join("", tokens);
        }
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (sb.length() > 0 && !(sb.charAt(sb.length() - 1) == '\'' || sb.charAt(sb.length() - 1) == '’')) {
                sb.append(' ');
            }
            sb.append(t);
        }
        return sb.toString();
    }
}
