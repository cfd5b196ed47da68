package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.LanguageModelEval;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm chars evaluate}: loss per character and perplexity of a text under a trained model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loss per character (nats and bits) and perplexity of a text under a trained model.")
public final class CharEvaluate implements Callable<CharEvaluate.Result> {
    /** What {@code evaluate} returns. */
    public record Result(Path model, String corpus, LanguageModelEval.Loss loss, int skippedUnknown) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--corpus", paramLabel = "FILE", description = "UTF-8 text file or folder of .txt files (default: the bundled Shakespeare's last 10%%).")
    Path corpus;

    @Option(names = "--unknown", paramLabel = "WHAT", defaultValue = "error",
            description = "A character the model does not know: error (default) or skip.")
    CharVocabulary.Unknown unknown;

    @Override
    public Result call() {
        NativeSetup.apply(opts.threads);
        CharModel.Loaded m = CharModel.load(opts.locate(CharApp.APP));
        int[] tokens;
        String name;
        int skipped = 0;
        if (corpus == null) {
            CharData.Split s = CharData.split("tinyshakespeare", CharData.readCorpus(null), 0.1);
            tokens = m.vocab().encode(s.vocab().decode(s.validation()), unknown, "tinyshakespeare");
            name = "tinyshakespeare (last 10%)";
        } else {
            String text = CharData.readCorpus(corpus);
            tokens = m.vocab().encode(text, unknown, corpus.toString());
            skipped = (int) text.codePoints().count() - tokens.length;
            name = corpus.toString();
        }
        if (tokens.length < 2) {
            throw new UserException(name + ": fewer than 2 characters the model knows");
        }
        LanguageModelEval.Loss l = LanguageModelEval.loss(m.net(), tokens, m.vocab().size(), CharApp.EVAL_STREAMS, CharApp.EVAL_CHUNK,
                m.config().model().oneHot());
        System.out.printf("model %s on %s: %.4f nats/char = %.4f bits/char, perplexity %.2f (%,d characters%s)%n",
                m.path(), name, l.natsPerToken(), l.bitsPerToken(), l.perplexity(), l.tokens(),
                skipped > 0 ? ", " + skipped + " unknown left out" : "");
        return new Result(m.path(), name, l, skipped);
    }
}
