package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.RunOptions;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./run}: trains an LSTM encoder–decoder on sentence pairs with teacher forcing, measures the exact
 * match of its greedy outputs on held-out pairs, translates a few, and writes the run folder:
 * {@code summary.json}, {@code metrics.csv}, {@code model.zip}, learning curves. Sentences given as
 * arguments are translated at the end. The training lifecycle is the suite's {@link TrainingRun}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train an LSTM encoder-decoder on the bundled pairs (dates to ISO).")
public final class App implements Callable<App.Result> {
    static final String APP = "seq2seq";

    /** Everything a run is made with; stored in its checkpoints and in {@code model.zip} (with the vocabularies). */
    public record Config(Model.Config model, List<String> sourceVocab, List<String> targetVocab, int epochs, int batchSize,
                         double testFraction, int maxLength, String data) {
    }

    /** What a run returns: exact match on the test pairs, and the translations of the sentences given. */
    public record Result(Path runDir, Path model, double testExactMatch, List<String> translations, TrainState state) {
    }

    @Parameters(arity = "0..*", paramLabel = "SENTENCE", description = "Sentences to translate after training.")
    List<String> sentences = new ArrayList<>();
    @Option(names = "--data", paramLabel = "TSV", defaultValue = "data/dates.tsv", description = "source TAB target, one pair a line (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "12", description = "Passes over the training pairs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Pairs per mini-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--embedding", paramLabel = "E", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "128", description = "Encoder and decoder LSTM size (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.005", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.1", description = "Pairs held out for validation and test, each (default: ${DEFAULT-VALUE}).")
    double testFraction;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Same seed, same numbers (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    RunOptions runOptions = new RunOptions();            // --output-dir, --resume, --force, --checkpoint-minutes, --verbose

    public static void main(String[] args) {
        System.exit(run(args).exitCode());
    }

    /** Runs exactly what the command line runs and returns the exit code and the {@link Result}. */
    public static Cli.Outcome run(String... args) {
        return Cli.run(new App(), args);
    }

    @Override
    public Result call() throws Exception {
        if (epochs < 1 || batchSize < 1 || embedding < 1 || hidden < 1 || !(learningRate > 0)) {
            throw new UserException("--epochs, --batch-size, --embedding, --hidden and --learning-rate must be positive");
        }
        if (!(testFraction > 0 && testFraction < 0.5)) {
            throw new UserException("--test-fraction must be in (0, 0.5), got " + testFraction);
        }
        NativeSetup.apply(null);
        List<List<Data.Example>> fresh = new ArrayList<>();      // a fresh run splits first: the vocabularies come from its training part
        try (TrainingRun<Config> run = TrainingRun.start(APP, runOptions.options(), Config.class, () -> {
            fresh.addAll(split(data, testFraction, seed));
            List<Data.Example> train = fresh.get(2);
            TokenVocabulary sv = TokenVocabulary.build(train.stream().map(Data.Example::source).toList(), 1);
            TokenVocabulary tv = TokenVocabulary.build(train.stream().map(Data.Example::target).toList(), 1);
            int longest = train.stream().mapToInt(e -> e.target().size()).max().orElse(1);
            return new Config(new Model.Config(sv.size(), tv.size(), embedding, hidden, learningRate, seed), sv.tokens(),
                    tv.tokens(), epochs, batchSize, testFraction, 2 * longest + 2, data.toString());
        })) {
            Config cfg = run.config();
            List<List<Data.Example>> parts = !fresh.isEmpty() ? fresh            // --resume: the run's own data and seed
                    : split(Path.of(cfg.data()), cfg.testFraction(), cfg.model().seed());
            List<Data.Example> test = parts.get(0);
            List<Data.Example> val = parts.get(1);
            List<Data.Example> train = parts.get(2);
            Model.Config mc = cfg.model();
            TokenVocabulary sv = TokenVocabulary.of(cfg.sourceVocab());
            TokenVocabulary tv = TokenVocabulary.of(cfg.targetVocab());
            System.out.printf("pairs: %s — %,d training, %,d validation, %,d test; vocabularies %d and %d characters%n",
                    cfg.data(), train.size(), val.size(), test.size(), sv.size(), tv.size());

            // ---- model
            ComputationGraph net = Model.build(mc);
            System.out.printf("model: embedding %d → encoder LSTM(%d) → summary → decoder LSTM(%d) → softmax %d, %,d parameters%n",
                    mc.embedding(), mc.hidden(), mc.hidden(), mc.targetVocab(), net.numParams());

            // ---- train with teacher forcing; the epoch with the best validation exact match is kept
            Trainer.Result<ComputationGraph> fit = run.fit(net, Data.batches(train, sv, tv, cfg.batchSize(), mc.seed()),
                    g -> Map.of("val_exact_match", exactMatch(g, mc, val, sv, tv, cfg.maxLength())),
                    cfg.epochs(), mc.seed(), "val_exact_match", true, 0);
            if (fit.interrupted()) {
                return new Result(run.runDir(), null, Double.NaN, List.of(), fit.state());
            }

            // ---- evaluate on the test pairs, show some, translate what was asked
            double em = exactMatch(fit.network(), mc, test, sv, tv, cfg.maxLength());
            System.out.printf("%ntest: exact match %.4f on %d held-out pairs%n", em, test.size());
            List<String> shown = new ArrayList<>();
            test.subList(0, Math.min(5, test.size())).forEach(e -> shown.add(String.join("", e.source())));
            shown.addAll(sentences);
            List<String> out = translate(fit.network(), mc, shown, sv, tv, cfg.maxLength());
            for (int i = 0; i < shown.size(); i++) {
                System.out.printf("  %-32s → %s%n", shown.get(i), out.get(i));
            }
            Path model = run.saveModel(fit.network());
            RunSummary summary = run.summary(fit.state(), mc.seed());
            summary.metrics.put("test_exact_match", em);
            summary.write(run.runDir().resolve("summary.json"));
            System.out.println("run folder: " + run.runDir().toAbsolutePath().normalize());
            return new Result(run.runDir(), model, em, out.subList(out.size() - sentences.size(), out.size()), fit.state());
        }
    }

    /** The pairs of {@code file} shuffled with {@code seed}, then cut into test | validation | training. */
    static List<List<Data.Example>> split(Path file, double testFraction, long seed) {
        List<Data.Example> pairs = new ArrayList<>(Data.read(file));
        Collections.shuffle(pairs, new Random(seed));
        int n = (int) Math.round(pairs.size() * testFraction);
        if (pairs.size() - 2 * n < 1 || n < 1) {
            throw new UserException(file + ": " + pairs.size() + " pairs are too few to hold out " + testFraction + " twice");
        }
        return List.of(pairs.subList(0, n), pairs.subList(n, 2 * n), pairs.subList(2 * n, pairs.size()));
    }

    /** Greedy translations of {@code sentences}. */
    static List<String> translate(ComputationGraph net, Model.Config mc, List<String> sentences, TokenVocabulary sv,
                                  TokenVocabulary tv, int maxLength) {
        List<int[]> src = sentences.stream().map(s -> sv.encode(Data.chars(s))).toList();
        return Model.greedy(net, mc, src, maxLength).stream().map(ids -> String.join("", tv.decode(ids))).toList();
    }

    /** The share of pairs whose greedy output equals the target exactly. */
    static double exactMatch(ComputationGraph net, Model.Config mc, List<Data.Example> pairs, TokenVocabulary sv,
                             TokenVocabulary tv, int maxLength) {
        List<String> out = translate(net, mc, pairs.stream().map(e -> String.join("", e.source())).toList(), sv, tv, maxLength);
        int right = 0;
        for (int i = 0; i < pairs.size(); i++) {
            right += out.get(i).equals(String.join("", pairs.get(i).target())) ? 1 : 0;
        }
        return right / (double) pairs.size();
    }
}
