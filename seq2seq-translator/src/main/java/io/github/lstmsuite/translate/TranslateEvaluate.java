package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm translate evaluate}: BLEU and exact match of a trained model on its test part. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "BLEU and exact match of a trained model on its test part.")
final class TranslateEvaluate implements Callable<TranslateApp.EvaluateResult> {
    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--beam", paramLabel = "K", description = "Beam width (default: the model's).")
    Integer beam;

    @Override
    public TranslateApp.EvaluateResult call() {
        NativeSetup.apply(opts.threads);
        TranslateApp.Loaded m = TranslateApp.load(opts.model);
        int k = beam != null ? beam : m.config().beam();
        TranslateData.Split d = TranslateApp.load(m.config());
        Translator tr = m.translator();
        TranslateApp.Scores g = TranslateApp.score(tr, d.test(), d, m.config(), 1);
        TranslateApp.Scores b = k > 1 ? TranslateApp.score(tr, d.test(), d, m.config(), k) : g;
        System.out.printf("%s — test: %,d sources%n  greedy     BLEU %5.2f   exact match %.3f%n", d.name(), g.sentences(), g.bleu(), g.exactMatch());
        if (k > 1) {
            System.out.printf("  beam %-3d   BLEU %5.2f   exact match %.3f%n", k, b.bleu(), b.exactMatch());
        }
        return new TranslateApp.EvaluateResult(g, b);
    }
}
