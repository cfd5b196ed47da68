package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.report.AtomicFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./lstm translate translate}: sentences in, translations out, with a trained model. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate sentences given as arguments, a file (one a line), or interactively (-i).")
public final class TranslateSentences implements Callable<TranslateSentences.Result> {
    /** What {@code translate} returns. */
    public record Result(List<String> translations, int unknownTokens) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Parameters(paramLabel = "SENTENCE", arity = "0..*", description = "Sentences to translate.")
    List<String> sentences = new ArrayList<>();

    @Option(names = "--file", paramLabel = "IN", description = "Translate every line of IN.")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "With --file: write the translations here (one a line) instead of stdout.")
    Path out;

    @Option(names = {"-i", "--interactive"}, description = "Read sentences from the terminal until an empty line or end of input.")
    boolean interactive;

    @Option(names = "--beam", paramLabel = "K", description = "Beam width (default: the model's; 1 = greedy).")
    Integer beam;

    @Override
    public Result call() throws Exception {
        NativeSetup.apply(opts.threads);
        TranslateModel.Loaded m = TranslateModel.load(opts.locate(TranslateApp.APP));
        int k = beam != null ? beam : m.config().beam();
        if (k < 1) {
            throw new UserException("--beam must be at least 1, got " + k);
        }
        SentenceTranslator tr = new SentenceTranslator(m);            // the Java API's path
        List<String> inputs = new ArrayList<>(sentences);
        if (file != null) {
            inputs.addAll(io.github.lstmsuite.common.text.TextCorpus.readFile(file).lines().filter(l -> !l.isBlank()).toList());
        }
        if (inputs.isEmpty() && !interactive) {
            throw new UserException("nothing to translate: give sentences, --file IN or -i");
        }
        List<String> results = new ArrayList<>();
        int[] unknown = {0};
        java.util.function.Function<String, String> one = s -> {
            SentenceTranslator.Translation t = tr.translate(s, k);
            unknown[0] += t.unknown().size();
            if (!t.unknown().isEmpty()) {
                System.err.println("unknown to the model (read as <unk>): " + String.join(" ", t.unknown()));
            }
            return t.text();
        };
        for (String s : inputs) {
            results.add(one.apply(s));
            if (out == null) {
                System.out.println(results.get(results.size() - 1));
            }
        }
        if (out != null) {
            AtomicFiles.writeString(out, String.join("\n", results) + "\n");
            System.out.println("written: " + out + " (" + results.size() + " lines)");
        }
        if (interactive) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.print("> ");
            System.out.flush();
            for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
                results.add(one.apply(line));
                System.out.println(results.get(results.size() - 1));
                System.out.print("> ");
                System.out.flush();
            }
            System.out.println();
        }
        return new Result(results, unknown[0]);
    }
}
