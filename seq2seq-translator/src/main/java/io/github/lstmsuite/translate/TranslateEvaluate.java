package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm translate evaluate}: BLEU and exact match of a trained model on its test part. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "BLEU and exact match of a trained model on its test part.")
public final class TranslateEvaluate implements Callable<TranslateEvaluate.Result> {
    /** What {@code evaluate} returns. */
    public record Result(TranslateEval.Scores greedy, TranslateEval.Scores beam) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--beam", paramLabel = "K", description = "Beam width (default: the model's).")
    Integer beam;

    @Override
    public Result call() {
        NativeSetup.apply(opts.threads);
        TranslateModel.Loaded m = TranslateModel.load(opts.locate(TranslateApp.APP));
        int k = beam != null ? beam : m.config().beam();
        TranslateData.Split d = TranslateData.load(m.config());
        Translator tr = m.translator();
        TranslateEval.Scores g = TranslateEval.score(tr, d.test(), d, m.config(), 1);
        TranslateEval.Scores b = k > 1 ? TranslateEval.score(tr, d.test(), d, m.config(), k) : g;
        System.out.printf("%s — test: %,d sources%n%s", d.name(), g.sentences(), TranslateEval.table(g, b, k));
        return new Result(g, b);
    }
}
