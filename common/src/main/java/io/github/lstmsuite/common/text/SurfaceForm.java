package io.github.lstmsuite.common.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a language writes its tokens, learnt from raw sentences, to turn a model's lower-cased tokens back
 * into text a reader expects: {@code j'ai froid .} → {@code J'ai froid.}, {@code tom est là ?} → {@code Tom
 * est là ?} (French puts a space before {@code ?}, English does not — both learnt, not hard-wired).
 *
 * <ul>
 *   <li><b>Case</b> (a simple truecaser): each token's most frequent written form where it is not the first
 *       word of a sentence ({@code tom} → {@code Tom}, {@code i} → {@code I}); the first word is capitalised.</li>
 *   <li><b>Spacing</b>: for each punctuation token, whether the sentences mostly put a space before it, and
 *       whether after it; words are separated by a space, except after an elided {@code l'}.</li>
 * </ul>
 * Learnt on the training part's references only; stored with the model.
 *
 * @param casing        lower-cased token → its usual written form (only where they differ)
 * @param noSpaceBefore punctuation tokens written right after the previous token ({@code . , ?} in English)
 * @param noSpaceAfter  tokens the next token follows without a space ({@code ( ¿ "}…)
 */
public record SurfaceForm(Map<String, String> casing, List<String> noSpaceBefore, List<String> noSpaceAfter) {
    private static final Pattern WORDISH = Pattern.compile("[\\p{L}\\p{N}].*");
    /** The word tokenizer, keeping case: the same tokens the model's lower-casing tokenizer makes, as written. */
    private static final Tokenizer CASED = new Tokenizer(false, false);

    /** Learns from raw sentences {@code texts} (word tokens, as {@link Tokenizer} splits them). */
    public static SurfaceForm learn(List<String> texts) {
        Map<String, Map<String, Integer>> forms = new HashMap<>();
        Map<String, int[]> before = new HashMap<>();      // token → {with a space before, without}
        Map<String, int[]> after = new HashMap<>();
        for (String text : texts) {
            String s = CASED.normalize(text);
            Matcher m = CASED.wordPattern().matcher(s);
            int prevEnd = -1;
            String prev = null;
            boolean sentenceStart = true;           // a first word's capital says nothing about the word
            while (m.find()) {
                String tok = m.group();
                String key = tok.toLowerCase(Locale.ROOT);
                if (!sentenceStart) {
                    forms.computeIfAbsent(key, k -> new HashMap<>()).merge(tok, 1, Integer::sum);
                }
                if (prev != null) {
                    boolean space = m.start() > prevEnd;
                    before.computeIfAbsent(key, k -> new int[2])[space ? 0 : 1]++;
                    after.computeIfAbsent(prev, k -> new int[2])[space ? 0 : 1]++;
                }
                // still at the start after an opening mark (« ¿ "); a new sentence after . ! ?
                sentenceStart = endsSentence(tok) || (sentenceStart && !WORDISH.matcher(tok).matches());
                prev = key;
                prevEnd = m.end();
            }
        }
        Map<String, String> casing = new TreeMap<>();
        forms.forEach((key, counts) -> {
            String best = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
            if (!best.equals(key)) {
                casing.put(key, best);
            }
        });
        TreeSet<String> noBefore = new TreeSet<>();
        before.forEach((k, c) -> {
            if (!WORDISH.matcher(k).matches() && c[1] > c[0]) {
                noBefore.add(k);
            }
        });
        TreeSet<String> noAfter = new TreeSet<>();
        after.forEach((k, c) -> {
            if (!WORDISH.matcher(k).matches() && !k.endsWith("'") && !k.endsWith("’") && c[1] > c[0]) {
                noAfter.add(k);
            }
        });
        return new SurfaceForm(casing, new ArrayList<>(noBefore), new ArrayList<>(noAfter));
    }

    /** Lower-cased tokens → text as the language writes it. */
    public String restore(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        boolean sentenceStart = true;
        String prev = null;
        for (String t : tokens) {
            String w = casing.getOrDefault(t, t);
            if (sentenceStart && !w.isEmpty() && WORDISH.matcher(w).matches()) {
                w = w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
                sentenceStart = false;
            }
            if (prev != null && !prev.endsWith("'") && !prev.endsWith("’") && !noSpaceAfter.contains(prev) && !noSpaceBefore.contains(t)) {
                sb.append(' ');
            }
            sb.append(w);
            if (endsSentence(t)) {
                sentenceStart = true;
            }
            prev = t;
        }
        return sb.toString();
    }

    private static boolean endsSentence(String token) {
        return token.equals(".") || token.equals("!") || token.equals("?");
    }
}
