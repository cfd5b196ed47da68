package io.github.lstmsuite.translate;

import static java.util.Objects.requireNonNullElse;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.HelpDefaults;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.layers.NativeMemory;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.SurfaceForm;
import io.github.lstmsuite.common.text.Tokenizer;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm translate}: an encoder–decoder LSTM (“Recurrent neural networks, chapter 5”) trained with teacher forcing, decoded
 * greedily or with beam search, scored with corpus BLEU. Commands: {@code train} (the default),
 * {@code translate}, {@code evaluate}.
 *
 * <p>The story of {@code train}: pairs → tokens → split by distinct source → vocabularies → batches with
 * masks → the graph ({@link TranslateModel}) → training with validation BLEU after every epoch → the best
 * epoch translates the test part, greedy and with a beam → BLEU, exact match, token accuracy, samples.
 */
@Command(name = "translate", mixinStandardHelpOptions = true, version = "lstm-suite translate 0.1.0",
        description = "Encoder-decoder LSTM translation (default: English to French), greedy and beam decoding, BLEU.",
        subcommands = {TranslateApp.Train.class, TranslateSentences.class, TranslateEvaluate.class})
public final class TranslateApp {
    static final String APP = "translate";

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the app as the command line does; no command means {@code train}. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.runDefaulting(new TranslateApp(), "train", args);
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Everything a run was made with, saved in {@code summary.json} and inside the model, vocabularies
     * included.
     *
     * @param task              "pairs" (a TSV) or "dates" (the synthetic task)
     * @param teacherForcing    probability of feeding the true previous token (1 = always)
     * @param maxPairs          only the first this many pairs of the file were used (0 = all; {@code --quick}: 4,000)
     * @param surface           how the target language writes its tokens (case, spacing), learnt from the training
     *                          references; {@code null} for character tokens and for models saved before it existed
     */
    public record RunConfig(String task, String pairs, boolean reverse, boolean chars, boolean lowercase, int maxLength,
                            int minCount, double valFraction, double testFraction, int datesCount,
                            TranslateModel.Config model, double teacherForcing, int epochs, int batchSize, int patience,
                            int beam, List<String> sourceVocab, List<String> targetVocab, int maxPairs, SurfaceForm surface) {
        Tokenizer tokenizer() {
            return new Tokenizer(chars, lowercase);
        }

        /** Output tokens → the text a reader sees: cased and spaced as the training references are, when learnt. */
        String text(List<String> tokens) {
            return surface != null ? surface.restore(tokens) : tokenizer().join(tokens);
        }

        /** This configuration with the vocabularies of {@code d} (they travel inside the model). */
        RunConfig withVocabularies(TranslateData.Split d) {
            return new RunConfig(task, pairs, reverse, chars, lowercase, maxLength, minCount, valFraction, testFraction,
                    datesCount, model.withVocabularies(d.sourceVocab().size(), d.targetVocab().size()), teacherForcing,
                    epochs, batchSize, patience, beam, d.sourceVocab().tokens(), d.targetVocab().tokens(), maxPairs, d.surface());
        }
    }

    /** What {@code train} returns. */
    public record TrainResult(Path runDir, Path model, TranslateEval.Scores greedy, TranslateEval.Scores beam, double tokenAccuracy,
                              List<String[]> samples, double wallSeconds, boolean interrupted) {
    }

    // ------------------------------------------------------------------ train

    /** The defaults {@code train --help} shows; {@code configure} applies them. */
    public static final class TrainDefaults extends HelpDefaults {
        public TrainDefaults() {
            super("hidden", "256, the encoder's and the decoder's; --quick: 64", "layers", "1, in the encoder and in the decoder",
                    "dropout", "0.3 for pairs, 0 for dates", "dropout.where", "on the input of each recurrent layer and of the softmax",
                    "patience", "3", "metric", "validation BLEU", "epochs", "20; --quick: 2", "batch-size", "64", "learning-rate", "0.002");
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "io.github.lstmsuite.translate.TranslateApp$TrainDefaults",
            description = "Train on sentence pairs (default: the bundled English-French), report test BLEU greedy and with a beam.")
    static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Mixin
        ShapeOptions shape = new ShapeOptions();

        @Option(names = "--pairs", paramLabel = "FILE", description = "A TSV of source<TAB>target lines (a third column is ignored). Default: the bundled eng-fra.")
        Path pairs;

        @Option(names = "--reverse", description = "Swap the columns (French to English).")
        boolean reverse;

        @Option(names = "--task", paramLabel = "TASK", defaultValue = "pairs", description = "pairs (default) or dates: human-written dates to ISO 8601, a synthetic task with exact answers.")
        String task;

        @Option(names = "--tokens", paramLabel = "KIND", description = "word (default for pairs) or char (default for dates).")
        String tokens;

        @Option(names = "--keep-case", description = "Do not lower-case (default: lower-case, the corpus is small).")
        boolean keepCase;

        @Option(names = "--max-length", paramLabel = "N", description = "Pairs with more tokens on a side are skipped, and counted (default 12 words / 40 characters).")
        Integer maxLength;

        @Option(names = "--min-count", paramLabel = "N", description = "Tokens seen fewer times in training become <unk> (default 2 for words, 1 for characters).")
        Integer minCount;

        @Option(names = "--attention", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Dot-product attention over the encoder's steps (default: on; --no-attention: the decoder reads the encoder's summary only).")
        boolean attention;

        @Option(names = "--teacher-forcing-ratio", paramLabel = "R", defaultValue = "1.0",
                description = "Probability of feeding the true previous token to the decoder (default ${DEFAULT-VALUE}); below 1, the model's own prediction otherwise.")
        double teacherForcing;

        @Option(names = "--embedding", paramLabel = "E", description = "Embedding size (default 128).")
        Integer embedding;

        @Option(names = "--bidirectional", negatable = true, description = "A bidirectional encoder: H/2 units read forwards, H/2 backwards (default: on for pairs, off for dates).")
        Boolean bidirectional;

        @Option(names = "--lr-decay", paramLabel = "G", description = "Multiply the learning rate by G after every epoch (default 1: constant).")
        Double lrDecay;

        @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Train towards (1 - EPS)·onehot + EPS/V instead of the one-hot target (default 0.1 for pairs, 0 for dates).")
        Double labelSmoothing;

        @Option(names = "--beam", paramLabel = "K", defaultValue = "5", description = "Beam width for the beam-search score (default ${DEFAULT-VALUE}; greedy is always reported too).")
        int beam;

        @Option(names = "--dates", paramLabel = "N", defaultValue = "20000", description = "Pairs generated for --task dates (default ${DEFAULT-VALUE}).")
        int datesCount;

        @Override
        public TrainResult call() throws Exception {
            int threads = NativeSetup.apply(common.threads);
            TranslateData.Split[] read = new TranslateData.Split[1];    // a fresh run reads the data first: the vocabularies travel with the model
            try (TrainingRun<RunConfig> run = TrainingRun.start(APP, common, RunConfig.class, () -> {
                RunConfig fresh = configure();
                read[0] = TranslateData.load(fresh);
                return fresh.withVocabularies(read[0]);
            }, stored -> stored)) {
                RunConfig cfg = run.config();
                Path runDir = run.runDir();
                TranslateData.Split data = read[0] != null ? read[0] : TranslateData.load(cfg);
                TranslateModel.Config mc = cfg.model();
                System.out.printf("data: %s — %,d pairs%s; %,d training pairs, %,d validation and %,d test sources (split by distinct source); "
                                + "vocabularies %,d → %,d %s%n", data.name(), data.pairs(),
                        data.skippedTooLong() > 0 ? " (" + data.skippedTooLong() + " longer than --max-length " + cfg.maxLength() + ", skipped)" : "",
                        data.train().size(), data.validation().size(), data.test().size(), mc.sourceVocab(), mc.targetVocab(),
                        cfg.chars() ? "characters" : "words");

                ComputationGraph net = TranslateModel.build(mc);
                System.out.printf("model: %s (%,d parameters); teacher forcing %.2f; batch %d, up to %d epochs, %d thread(s)%n",
                        TranslateModel.describe(mc), net.numParams(), cfg.teacherForcing(), cfg.batchSize(), cfg.epochs(), threads);

                PairBatches batches = new PairBatches(data.train(), data.sourceVocab(), data.targetVocab(), cfg.batchSize(),
                        cfg.teacherForcing(), mc.seed());
                Trainer.Result<ComputationGraph> fit = run.fit(net, batches, n -> Map.of("val_bleu",       // greedy BLEU on the validation part
                                TranslateEval.score(new Translator(n, mc, cfg.maxLength() + 2), data.validation(), data, cfg, 1).bleu()),
                        cfg.epochs(), mc.seed(), "val_bleu", true, cfg.patience());
                if (fit.interrupted()) {
                    return new TrainResult(runDir, null, null, null, Double.NaN, List.of(), run.seconds(), true);
                }
                ComputationGraph best = fit.network();
                Path model = run.saveModel(best);

                // ---- the test part
                Translator tr = new Translator(best, mc, cfg.maxLength() + 2);
                // each part's freed native memory goes back to the system before the next (NativeMemory)
                TranslateEval.Scores greedy = TranslateEval.score(tr, data.test(), data, cfg, 1);
                NativeMemory.release();
                TranslateEval.Scores beamed = cfg.beam() > 1 ? TranslateEval.score(tr, data.test(), data, cfg, cfg.beam()) : greedy;
                NativeMemory.release();
                double tokenAcc = TranslateEval.tokenAccuracy(best, data);
                List<String[]> samples = TranslateEval.samples(beamed, data, cfg, 8);
                if (mc.attention()) {                                   // attention_1.svg …: heat maps in the report
                    TranslateEval.attentionMaps(best, tr, data, cfg, runDir, 3);
                }
                System.out.printf("%ntest (%,d sources, all their translations as references):%n%s", greedy.sentences(),
                        TranslateEval.table(greedy, beamed, cfg.beam()));
                System.out.printf("  token accuracy (teacher forced, first reference) %.3f%n%nsamples (beam %d):%n", tokenAcc, cfg.beam());
                for (String[] s : samples) {
                    System.out.printf("  %s%n    → %s%n    (reference: %s)%n", s[0], s[1], s[2]);
                }

                RunSummary summary = run.summary(fit.state(), mc.seed());
                summary.data.put("name", data.name());
                summary.data.put("train_pairs", Integer.toString(data.train().size()));
                summary.data.put("test_sources", Integer.toString(data.test().size()));
                TranslateEval.Scores main = cfg.beam() > 1 ? beamed : greedy;
                TranslateEval.addTo(summary, greedy, beamed, cfg.beam(), tokenAcc, samples);
                summary.write(runDir.resolve("summary.json"));
                System.out.printf("%nBLEU %.2f (%s)   training %s   wall %s%nrun folder: %s%n", main.bleu(),
                        cfg.beam() > 1 ? "beam " + cfg.beam() : "greedy", Progress.formatSeconds(fit.state().trainSeconds),
                        Progress.formatSeconds(summary.wallSeconds), runDir.toAbsolutePath().normalize());
                return new TrainResult(runDir, model, greedy, beamed, tokenAcc, samples, summary.wallSeconds, false);
            }
        }

        private RunConfig configure() {
            if (!task.equals("pairs") && !task.equals("dates")) {
                throw new UserException("--task must be pairs or dates, got '" + task + "'");
            }
            boolean dates = task.equals("dates");
            boolean quick = common.quick;
            String kind = tokens != null ? tokens : dates ? "char" : "word";
            if (!kind.equals("word") && !kind.equals("char")) {
                throw new UserException("--tokens must be word or char, got '" + kind + "'");
            }
            boolean chars = kind.equals("char");
            int maxLen = requireNonNullElse(maxLength, chars ? 40 : 12);
            int minC = requireNonNullElse(minCount, chars ? 1 : 2);
            int emb = requireNonNullElse(embedding, quick ? 32 : 128);
            int hid = shape.hidden(quick ? 64 : 256);
            int depth = shape.layers(1);
            double drop = shape.dropout(dates ? 0 : 0.3);
            int pat = shape.patience(3);
            int epochs = common.epochs(quick ? 2 : 20);
            int batch = common.batchSize(64);
            double lr = common.learningRate(0.002);
            boolean bi = requireNonNullElse(bidirectional, !dates);
            double smooth = requireNonNullElse(labelSmoothing, dates ? 0.0 : 0.1);
            double decay = requireNonNullElse(lrDecay, 1.0);
            if (maxLen < 1 || minC < 1 || emb < 1 || beam < 1) {
                throw new UserException("--max-length, --min-count, --embedding and --beam must be positive");
            }
            if (!(smooth >= 0 && smooth < 1) || !(decay > 0 && decay <= 1) || !(teacherForcing >= 0 && teacherForcing <= 1)) {
                throw new UserException("--label-smoothing must be in [0, 1), --lr-decay in (0, 1], --teacher-forcing-ratio in [0, 1]");
            }
            if (bi && hid % 2 != 0) {
                throw new UserException("--hidden must be even with a bidirectional encoder (H/2 each way), got " + hid);
            }
            if (dates && pairs != null) {
                throw new UserException("--pairs and --task dates exclude each other");
            }
            Limits.checkRecurrent(emb + hid, hid, 2 * depth, 40_000L, 20_000L * emb);    // the vocabularies (≤ 10⁴ words each) are known later
            TranslateModel.Config mc = new TranslateModel.Config(0, 0, emb, hid, attention, lr, common.seed, common.lstm(),
                    common.cell, depth, bi, drop, smooth, decay);
            return new RunConfig(task, pairs == null ? null : pairs.toString(), reverse, chars, !keepCase, maxLen, minC, 0.05, 0.1,
                    quick ? Math.min(datesCount, 3000) : datesCount, mc, teacherForcing, epochs, batch, pat, beam, null, null,
                    quick ? 4000 : 0, null);
        }
    }
}
