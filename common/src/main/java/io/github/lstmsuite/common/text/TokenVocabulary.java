package io.github.lstmsuite.common.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokens ↔ indices, with the four special tokens at fixed places: {@code <pad>} 0, {@code <s>} 1,
 * {@code </s>} 2, {@code <unk>} 3. Built from training text only, keeping tokens seen at least
 * {@code minCount} times (ties in frequency broken alphabetically, so the same text gives the same
 * indices); saved inside the model as its token list.
 */
public final class TokenVocabulary {
    public static final String PAD = "<pad>", BOS = "<s>", EOS = "</s>", UNK = "<unk>";
    public static final int PAD_ID = 0, BOS_ID = 1, EOS_ID = 2, UNK_ID = 3;

    private final List<String> tokens;
    private final Map<String, Integer> index = new HashMap<>();

    private TokenVocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        for (int i = 0; i < this.tokens.size(); i++) {
            index.put(this.tokens.get(i), i);
        }
    }

    /** From tokenised sentences. */
    public static TokenVocabulary build(Collection<List<String>> sentences, int minCount) {
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> s : sentences) {
            for (String t : s) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<String> kept = new ArrayList<>();
        counts.entrySet().stream().filter(e -> e.getValue() >= minCount)
                .sorted((a, b) -> b.getValue().equals(a.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue())
                .forEach(e -> kept.add(e.getKey()));
        List<String> all = new ArrayList<>(List.of(PAD, BOS, EOS, UNK));
        all.addAll(kept);
        return new TokenVocabulary(all);
    }

    /** From a saved token list. */
    public static TokenVocabulary of(List<String> tokens) {
        if (tokens.size() < 4 || !tokens.subList(0, 4).equals(List.of(PAD, BOS, EOS, UNK))) {
            throw new IllegalArgumentException("a vocabulary starts with <pad> <s> </s> <unk>");
        }
        return new TokenVocabulary(tokens);
    }

    public int size() {
        return tokens.size();
    }

    public List<String> tokens() {
        return tokens;
    }

    public String token(int id) {
        return tokens.get(id);
    }

    /** The index of {@code token}, {@link #UNK_ID} when unknown. */
    public int id(String token) {
        return index.getOrDefault(token, UNK_ID);
    }

    public boolean contains(String token) {
        return index.containsKey(token);
    }

    /** Indices of {@code sentence}, without {@code <s>}/{@code </s>}. */
    public int[] encode(List<String> sentence) {
        return sentence.stream().mapToInt(this::id).toArray();
    }

    /** Tokens of {@code ids}, stopping at {@code </s>} and skipping {@code <pad>} and {@code <s>}. */
    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == EOS_ID) {
                break;
            }
            if (id != PAD_ID && id != BOS_ID) {
                out.add(tokens.get(id));
            }
        }
        return out;
    }
}
