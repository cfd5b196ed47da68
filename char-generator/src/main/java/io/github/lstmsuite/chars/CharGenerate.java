package io.github.lstmsuite.chars;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.text.CharVocabulary;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm chars generate}: write text with a trained model, streaming it to the terminal. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write text with a trained model, one character at a time, streaming to the terminal.")
public final class CharGenerate implements Callable<CharGenerate.Result> {
    /** What {@code generate} returns. */
    public record Result(Path model, String prime, String text) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--prime", paramLabel = "TEXT", defaultValue = CharApp.DEFAULT_PRIME, description = "Text to start from (default: ${DEFAULT-VALUE}).")
    String prime;

    @Option(names = "--length", paramLabel = "N", defaultValue = "500", description = "Characters to write (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "0 = always the likeliest character; lower = safer, higher = wilder (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Draw only among the K likeliest (0 = all).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1", description = "Draw only among the likeliest whose probabilities add up to P (1 = all).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Same seed, same text (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--unknown", paramLabel = "WHAT", defaultValue = "error",
            description = "A --prime character the model does not know: error (default) or skip.")
    CharVocabulary.Unknown unknown;

    @Override
    public Result call() {
        if (length < 0 || temperature < 0 || topK < 0 || !(topP > 0 && topP <= 1)) {
            throw new UserException("--length, --temperature and --top-k must be ≥ 0 and --top-p in (0, 1]");
        }
        NativeSetup.apply(opts.threads);
        CharModel.Loaded m = CharModel.load(opts.locate(CharApp.APP));
        int[] p = m.vocab().encode(prime, unknown, "--prime");
        System.out.print(prime);
        System.out.flush();
        String text = CharModel.generate(m.net(), m.vocab(), m.config().model().oneHot(), p, length, temperature, topK, topP,
                new Random(seed), CharModel.streamTo(System.out));
        System.out.println();
        return new Result(m.path(), prime, text);
    }
}

