package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetFile;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.TextCorpus;
import java.nio.file.Path;
import java.util.List;

/**
 * The corpus, its split and its vocabulary: the first {@code 1 − valFraction} of the text trains, the
 * rest validates (contiguous, as nanoGPT and char-rnn do; a random split would leak neighbouring text).
 */
public final class CharData {
    /** Tiny Shakespeare, bundled in {@code data/tinyshakespeare}. */
    public static final DatasetFile SHAKESPEARE = new DatasetFile("tinyshakespeare", "input.txt",
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
            List.of("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"));

    private CharData() {
    }

    /** A corpus split into training and validation indices over the training part's vocabulary. */
    public record Split(String source, CharVocabulary vocab, int[] train, int[] validation, int skippedUnknown) {
    }

    /** Reads {@code corpus} (or the bundled Shakespeare when null). */
    public static String readCorpus(Path corpus) {
        Path file = corpus != null ? corpus : DatasetResolver.standard().resolve(SHAKESPEARE);
        return TextCorpus.read(file);
    }

    /**
     * Splits {@code text}; the vocabulary comes from the training part, and validation characters it
     * lacks are left out (and counted).
     */
    public static Split split(String source, String text, double valFraction) {
        if (!(valFraction > 0 && valFraction < 0.5)) {
            throw new UserException("--val-fraction must be in (0, 0.5), got " + valFraction);
        }
        int[] cps = text.codePoints().toArray();
        int cut = (int) Math.round(cps.length * (1 - valFraction));
        if (cut < 100 || cps.length - cut < 10) {
            throw new UserException(source + ": " + cps.length + " characters is too little text to train on (need at least a few hundred)");
        }
        String trainText = new String(cps, 0, cut);
        CharVocabulary vocab = CharVocabulary.of(trainText);
        int[] train = vocab.encode(trainText, CharVocabulary.Unknown.error, source);
        String valText = new String(cps, cut, cps.length - cut);
        int[] val = vocab.encode(valText, CharVocabulary.Unknown.skip, source);
        return new Split(source, vocab, train, val, (cps.length - cut) - val.length);
    }

    /** Reads and splits {@code corpus} (the bundled Shakespeare when null), keeping its first {@code maxChars} characters (0 = all). */
    public static Split load(Path corpus, double valFraction, int maxChars) {
        String text = CharData.readCorpus(corpus);
        if (maxChars > 0 && text.codePointCount(0, text.length()) > maxChars) {
            text = text.substring(0, text.offsetByCodePoints(0, maxChars));
        }
        return split(corpus == null ? "tinyshakespeare" : corpus.toString(), text, valFraction);
    }
}
