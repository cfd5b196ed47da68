package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A trained translator ({@code model.zip} from {@code ./lstm translate}) as a Java object: a sentence in,
 * its translation out, greedy or with a beam. {@code ./lstm translate translate} calls this.
 *
 * <pre>{@code
 * SentenceTranslator model = SentenceTranslator.load(Path.of("runs/translate/20261202-101010/model.zip"));
 * System.out.println(model.translate("I am cold.").text());          // the model's beam width
 * System.out.println(model.translate("She likes cats.", 1).text());  // greedy
 * }</pre>
 *
 * <p>Needs on the class path: this module ({@code io.github.lstmsuite:seq2seq-translator}) and the suite's
 * {@code io.github.lstmsuite:common}, with their dependencies. Not thread-safe: one instance per thread.
 */
public final class SentenceTranslator {
    private final Translator translator;
    private final Tokenizer tokenizer;
    private final TokenVocabulary source;
    private final TokenVocabulary target;
    private final int defaultBeam;
    private final TranslateApp.RunConfig config;

    SentenceTranslator(TranslateModel.Loaded m) {
        this.translator = m.translator();
        this.tokenizer = m.config().tokenizer();
        this.source = TokenVocabulary.of(m.config().sourceVocab());
        this.target = TokenVocabulary.of(m.config().targetVocab());
        this.defaultBeam = m.config().beam();
        this.config = m.config();
    }

    /** Loads a model made by {@code ./lstm translate}; another app's file is a one-line {@code UserException}. */
    public static SentenceTranslator load(Path modelZip) {
        return new SentenceTranslator(TranslateModel.load(Objects.requireNonNull(modelZip, "modelZip")));
    }

    /**
     * A translation.
     *
     * @param text    the translation as text: cased and spaced as the training references were written (models
     *                made before that was learnt: lower-case tokens joined by spaces)
     * @param unknown the source words the model has never seen (read as {@code <unk>})
     */
    public record Translation(String text, List<String> unknown) {
    }

    /** Translates with the beam width the model was trained with. */
    public Translation translate(String sentence) {
        return translate(sentence, defaultBeam);
    }

    /** Translates with beam width {@code beam} (1 = greedy: the likeliest word at each step). */
    public Translation translate(String sentence, int beam) {
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be at least 1, got " + beam);
        }
        return translate(List.of(sentence), beam).get(0);
    }

    /**
     * Translates many sentences with beam width {@code beam}, in input order: sentences of equal length take
     * each decoder step together (what a server does with the requests that wait together).
     */
    public List<Translation> translate(List<String> sentences, int beam) {
        return translate(sentences, beam, true);
    }

    /**
     * As {@link #translate(List, int)}; with {@code byLength} false, sentences of all lengths take each decoder step
     * together, padded and masked as in training (a server's mixed batch: one decoder call per step instead of one
     * per sentence length). The translations can differ from the one-length batches in the last digits of the
     * scores, and so, rarely, in a word.
     */
    public List<Translation> translate(List<String> sentences, int beam, boolean byLength) {
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be at least 1, got " + beam);
        }
        List<List<String>> tokens = sentences.stream().map(tokenizer::tokenize).toList();
        List<int[]> out = translator.beam(tokens.stream().map(source::encode).toList(), beam, byLength);
        List<Translation> result = new java.util.ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++) {
            List<String> unknown = tokens.get(i).stream().filter(t -> !source.contains(t)).toList();
            result.add(new Translation(config.text(target.decode(out.get(i))), unknown));
        }
        return result;
    }

    /** The beam width the model was trained with (what {@link #translate(String)} uses). */
    public int defaultBeam() {
        return defaultBeam;
    }
}
