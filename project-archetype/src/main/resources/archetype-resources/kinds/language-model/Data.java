package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.TextCorpus;
import java.nio.file.Path;

/**
 * The data: a UTF-8 text (a file, or a folder of {@code .txt} files), its characters as the vocabulary,
 * the first part for training and the rest for validation. Bundled: the first 200,000 characters of
 * Tiny Shakespeare (public-domain plays, the corpus of Karpathy's char-rnn).
 */
public final class Data {
    private Data() {
    }

    /** A corpus as vocabulary indices: training and validation parts, and the vocabulary. */
    public record Corpus(CharVocabulary vocab, int[] train, int[] validation) {
    }

    /** Reads {@code path} and holds out its last {@code valFraction} for validation. */
    public static Corpus read(Path path, double valFraction) {
        String text = TextCorpus.read(path);                 // UTF-8, checked: errors name the file and byte offset
        int cut = (int) (text.length() * (1 - valFraction));
        if (cut < 1000 || text.length() - cut < 100) {
            throw new UserException(path + ": " + text.length() + " characters; a language model needs at least a few thousand");
        }
        CharVocabulary vocab = CharVocabulary.of(text);
        return new Corpus(vocab, vocab.encode(text.substring(0, cut), CharVocabulary.Unknown.error, path.toString()),
                vocab.encode(text.substring(cut), CharVocabulary.Unknown.error, path.toString()));
    }
}
