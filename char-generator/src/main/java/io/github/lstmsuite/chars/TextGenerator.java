package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.common.train.Trainer;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained character model ({@code model.zip} from {@code ./lstm chars}) as a Java object: write text
 * from a prime, streaming each character as it is drawn. {@code ./lstm chars generate} does the same.
 *
 * <pre>{@code
 * TextGenerator model = TextGenerator.load(Path.of("runs/chars/20261202-101010/model.zip"));
 * model.generate("ROMEO:", 300, new TextGenerator.Sampling(0.8, 0, 0.95), 42, System.out::print);
 * }</pre>
 *
 * <p>Needs on the class path: this module ({@code io.github.lstmsuite:char-generator}) and the suite's
 * {@code io.github.lstmsuite:common} (the model's configuration names its layer classes), with their
 * dependencies. Not thread-safe (the network keeps the recurrent state between characters): one
 * instance per thread.
 */
public final class TextGenerator {
    private final MultiLayerNetwork net;
    private final CharVocabulary vocab;
    private final boolean oneHot;

    private TextGenerator(MultiLayerNetwork net, CharVocabulary vocab, boolean oneHot) {
        this.net = net;
        this.vocab = vocab;
        this.oneHot = oneHot;
    }

    /**
     * How the next character is drawn from the model's distribution.
     *
     * @param temperature 0 = always the likeliest; below 1 safer, above 1 wilder
     * @param topK        draw only among the k likeliest (0 = all)
     * @param topP        draw only among the likeliest whose probabilities add up to p (1 = all)
     */
    public record Sampling(double temperature, int topK, double topP) {
        public Sampling {
            if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1)) {
                throw new IllegalArgumentException("temperature ≥ 0, topK ≥ 0 and topP in (0, 1] expected");
            }
        }

        /** The CLI's default: temperature 0.8, no top-k or top-p cut. */
        public static Sampling defaults() {
            return new Sampling(0.8, 0, 1);
        }
    }

    /** Loads a model made by {@code ./lstm chars}; another app's file is a one-line {@code UserException}. */
    public static TextGenerator load(Path modelZip) {
        ModelZip.requireApp(modelZip, CharApp.APP);
        CharApp.RunConfig cfg = ModelZip.parse(modelZip, ModelZip.readEntry(modelZip, Trainer.CONFIG_ENTRY), CharApp.RunConfig.class);
        return new TextGenerator(ModelZip.loadMultiLayer(modelZip, false), CharVocabulary.parse(cfg.vocabulary()),
                cfg.model().oneHot());
    }

    /** A second instance on a copy of the network (its own recurrent state), for another thread or stream. */
    public TextGenerator copy() {
        return new TextGenerator(net.clone(), vocab, oneHot);
    }

    /** The characters the model knows (a prime may use only these). */
    public CharVocabulary vocabulary() {
        return vocab;
    }

    /**
     * Writes {@code length} characters after {@code prime}; each goes to {@code sink} as soon as it is
     * drawn, and the whole text (without the prime) is returned. Same seed, same text.
     *
     * @throws io.github.lstmsuite.common.UserException if the prime has a character the model does not know
     */
    public String generate(String prime, int length, Sampling sampling, long seed, Consumer<String> sink) {
        int[] p = vocab.encode(prime, CharVocabulary.Unknown.error, "prime");
        return CharModel.generate(net, vocab, oneHot, p, length, sampling.temperature(), sampling.topK(), sampling.topP(),
                new Random(seed), sink);
    }

    /** As {@link #generate(String, int, Sampling, long, Consumer)}, returning the text only. */
    public String generate(String prime, int length, Sampling sampling, long seed) {
        return generate(prime, length, sampling, seed, s -> { });
    }
}
