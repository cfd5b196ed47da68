package io.github.lstmsuite.chars;

import static java.util.Objects.requireNonNullElse;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.HelpDefaults;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.LanguageModelEval;
import io.github.lstmsuite.common.text.StreamBatches;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm chars}: a character-level LSTM language model (“Recurrent neural networks, chapter 5” and “LSTM principles, a digest”). It learns to predict
 * the next character of a text, then writes new text one character at a time, sampled with a
 * temperature. Commands: {@code train} (the default), {@code generate}, {@code evaluate}.
 */
@Command(name = "chars", mixinStandardHelpOptions = true, version = "lstm-suite chars 0.1.0",
        description = "A character-level LSTM language model: train on a text, then generate text like it.",
        subcommands = {CharApp.Train.class, CharGenerate.class, CharEvaluate.class})
public final class CharApp {
    public static final String APP = "chars";
    static final String DEFAULT_PRIME = "ROMEO:";
    /** Validation reads the held-out text in this many streams, this many steps per rnnTimeStep call. */
    public static final int EVAL_STREAMS = 16, EVAL_CHUNK = 500;

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the app as the command line does; no command means {@code train}. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.runDefaulting(new CharApp(), "train", args);
    }

    // ------------------------------------------------------------------ configuration

    /** Named starting points; any flag given overrides them. */
    public enum Preset {
        /** 2 × 256, embedding 64, 2 epochs: a few minutes on 2 cores. */
        standard,
        /** 2 × 512, embedding 128, dropout 0.2, up to 30 epochs with early stopping on validation loss. */
        best
    }

    /**
     * Everything a run was made with; saved in {@code summary.json} and inside the model.
     *
     * @param vocabulary the model's characters in index order (the model's input and output alphabet)
     * @param window     time steps per mini-batch (DL4J cuts it into tBPTT segments, carrying the state)
     * @param maxChars   only the first this many characters of the corpus were used (0 = all)
     */
    public record RunConfig(String preset, CharModel.Config model, String vocabulary, int epochs, int batchSize,
                            int window, double valFraction, int patience, String corpus, int maxChars) {
        /** This configuration with another number of epochs ({@code --resume --epochs N}). */
        public RunConfig withEpochs(int n) {
            return new RunConfig(preset, model, vocabulary, n, batchSize, window, valFraction, patience, corpus, maxChars);
        }
    }

    // ------------------------------------------------------------------ train

    /** What {@code train} returns. */
    public record TrainResult(Path runDir, Path model, LanguageModelEval.Loss validation, String sample,
                              TrainState state, double wallSeconds, boolean interrupted) {
    }

    /** The defaults {@code train --help} shows; {@code configure} applies them. */
    public static final class TrainDefaults extends HelpDefaults {
        public TrainDefaults() {
            super("hidden", "256; --preset best: 512; --quick: 64", "layers", "2", "dropout", "0; best: 0.2",
                    "dropout.where", "between stacked layers and before the softmax", "patience", "0; best: 3",
                    "metric", "validation loss", "epochs", "2; best: 30; --quick: 1", "batch-size", "32", "learning-rate", "0.002");
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "io.github.lstmsuite.chars.CharApp$TrainDefaults",
            description = "Train on a corpus (default: the bundled Tiny Shakespeare), report the validation loss per character, then write 500 characters.")
    public static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Mixin
        ShapeOptions shape = new ShapeOptions();

        @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard",
                description = "standard (default: 2×256, 2 epochs, a few minutes) or best (2×512, dropout 0.2, up to 30 epochs, early stopping). --quick is the seconds-long smoke test.")
        Preset preset;

        @Option(names = "--corpus", paramLabel = "FILE", description = "UTF-8 text file, or a folder of .txt files (default: Tiny Shakespeare).")
        Path corpus;

        @Option(names = "--max-chars", paramLabel = "N", description = "Use only the first N characters of the corpus (default all; --quick: 100,000).")
        Integer maxChars;

        @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1", description = "Last fraction of the text held out for validation (default: ${DEFAULT-VALUE}).")
        double valFraction;

        @Option(names = "--input", paramLabel = "KIND", description = "embedding (default) or one-hot: how a character enters the network (“Recurrent neural networks, chapter 5”).")
        String input;

        @Option(names = "--embedding", paramLabel = "E", description = "Embedding size (with --input embedding).")
        Integer embedding;

        @Option(names = "--tbptt", paramLabel = "T", description = "Truncated-BPTT length in characters (default 100).")
        Integer tbptt;

        @Option(names = "--window", paramLabel = "W", description = "Characters per stream per mini-batch, cut into tBPTT segments with the state carried (default 10 × --tbptt).")
        Integer window;

        @Option(names = "--sample-length", paramLabel = "N", defaultValue = "500", description = "Characters generated after training (default: ${DEFAULT-VALUE}).")
        int sampleLength;

        @Override
        public TrainResult call() throws Exception {
            int threads = NativeSetup.apply(common.threads);
            CharData.Split[] read = new CharData.Split[1];       // a fresh run reads the corpus first: its characters are the vocabulary
            try (TrainingRun<RunConfig> run = TrainingRun.start(APP, common, RunConfig.class, () -> {
                read[0] = CharData.load(corpus, valFraction, charLimit());
                return configure(read[0].vocab(), corpus);
            }, stored -> common.epochs == null ? stored : stored.withEpochs(common.epochs))) {
                RunConfig cfg = run.config();
                run.countAs("characters", cfg.window());      // each training example is a stream of `window` characters
                Path runDir = run.runDir();
                CharData.Split data = read[0] != null ? read[0]
                        : CharData.load(cfg.corpus() == null ? null : Paths.get(cfg.corpus()), cfg.valFraction(), cfg.maxChars());
                System.out.printf("corpus: %s — %,d training and %,d validation characters, vocabulary of %d%s%n",
                        data.source(), data.train().length, data.validation().length, data.vocab().size(),
                        data.skippedUnknown() > 0 ? " (" + data.skippedUnknown() + " validation characters not in it, left out)" : "");

                // ---- model
                CharModel.Config mc = cfg.model();
                MultiLayerNetwork net = CharModel.build(mc);
                System.out.printf("model: %s → %s %d×%d, dropout %.2f → softmax %d (%,d parameters); Adam lr %s, %d streams × %d characters per batch, tBPTT %d, %d epoch(s), %d thread(s)%n",
                        mc.oneHot() ? "one-hot " + mc.vocab() : "embedding " + mc.embedding(), mc.cellType().label(mc.lstm()), mc.layers(), mc.hidden(),
                        mc.dropout(), mc.vocab(), net.numParams(), mc.learningRate(), cfg.batchSize(), cfg.window(), mc.tbptt(),
                        cfg.epochs(), threads);

                // ---- train: validation loss per character and a short sample at every epoch end
                StreamBatches batches = new StreamBatches(data.train(), mc.vocab(), cfg.batchSize(), cfg.window(), mc.tbptt(),
                        mc.oneHot(), CharModel.indexLabels(net), mc.seed());
                CharVocabulary vocab = data.vocab();
                String prime = primeFor(vocab);
                List<String> epochSamples = new ArrayList<>();             // for report.html: what the model wrote after each epoch
                Trainer.Result<MultiLayerNetwork> fit = run.fit(net, batches, n -> {
                    Map<String, Double> m = validate(n, data, mc);
                    String sample = CharModel.generate(n, vocab, mc.oneHot(), vocab.encode(prime, CharVocabulary.Unknown.skip, "prime"),
                            200, 0.8, 0, 1.0, new Random(mc.seed()), s -> { });
                    System.out.println("  sample (temperature 0.8): " + (prime + sample).replace("\n", "\n  "));
                    epochSamples.add("after epoch " + (epochSamples.size() + 1) + " of this run:\n" + prime + sample);
                    return m;
                }, cfg.epochs(), mc.seed(), "val_loss", false, cfg.patience());
                if (fit.interrupted()) {
                    return new TrainResult(runDir, null, null, null, fit.state(), run.seconds(), true);
                }

                // ---- evaluate and write
                MultiLayerNetwork best = fit.network();
                // the trainer kept the epoch with the lowest validation loss: its loss is already measured
                LanguageModelEval.Loss val = new LanguageModelEval.Loss(fit.state().best,
                        LanguageModelEval.predictions(data.validation().length, EVAL_STREAMS));
                Path model = run.saveModel(best);
                System.out.printf("%nvalidation: %.4f nats/char = %.4f bits/char, perplexity %.2f (%,d characters)%n%n",
                        val.natsPerToken(), val.bitsPerToken(), val.perplexity(), val.tokens());
                System.out.print(prime);
                String sample = CharModel.generate(best, vocab, mc.oneHot(), vocab.encode(prime, CharVocabulary.Unknown.skip, "prime"),
                        sampleLength, 0.8, 0, 1.0, new Random(mc.seed()), CharModel.streamTo(System.out));
                System.out.println();

                TrainState s = fit.state();
                RunSummary summary = run.summary(s, mc.seed());
                summary.data.put("name", data.source());
                summary.data.put("train_characters", Integer.toString(data.train().length));
                summary.data.put("validation_characters", Integer.toString(data.validation().length));
                summary.metrics.put("val_loss_nats_per_char", val.natsPerToken());
                summary.metrics.put("val_bits_per_char", val.bitsPerToken());
                summary.metrics.put("val_perplexity", val.perplexity());
                summary.metrics.put("sample", prime + sample);
                summary.metrics.put("samples_by_epoch", String.join("\n\n", epochSamples));
                summary.headline = String.format("validation %.4f nats/char", val.natsPerToken());
                summary.write(runDir.resolve("summary.json"));
                System.out.printf("%nvalidation loss %.4f nats/char   training %s (%,.0f characters/s)   wall %s%n", val.natsPerToken(),
                        Progress.formatSeconds(s.trainSeconds), summary.trainSamplesPerSecond, Progress.formatSeconds(summary.wallSeconds));
                System.out.println("run folder: " + runDir.toAbsolutePath().normalize());
                return new TrainResult(runDir, model, val, prime + sample, s, summary.wallSeconds, false);
            }
        }

        /** The run's configuration from these flags, for a corpus whose training part has {@code vocab} (also used by spark-training). */
        public RunConfig configure(CharVocabulary vocab, Path corpusPath) {
            boolean best = preset == Preset.best;
            boolean quick = common.quick;
            String kind = input == null ? "embedding" : input;
            if (!kind.equals("embedding") && !kind.equals("one-hot")) {
                throw new UserException("--input must be embedding or one-hot, got '" + kind + "'");
            }
            int e = kind.equals("one-hot") ? 0 : requireNonNullElse(embedding, best ? 128 : quick ? 16 : 64);
            int h = shape.hidden(best ? 512 : quick ? 64 : 256);
            int l = shape.layers(2);
            double d = shape.dropout(best ? 0.2 : 0.0);
            int t = requireNonNullElse(tbptt, quick ? 50 : 100);
            int w = requireNonNullElse(window, 10 * t);
            int epochs = common.epochs(best ? 30 : quick ? 1 : 2);
            int batch = common.batchSize(32);
            double lr = common.learningRate(0.002);
            int pat = shape.patience(best ? 3 : 0);
            if (t < 1 || w < 1 || e < 0) {
                throw new UserException("--tbptt and --window must be positive, --embedding at least 0");
            }
            Limits.checkRecurrent(vocab.size(), h, l, vocab.size(), vocab.size());
            CharModel.Config mc = new CharModel.Config(vocab.size(), e, h, l, d, lr, t, common.seed, common.lstm(), common.cell);
            return new RunConfig(preset.name(), mc, vocab.serialize(), epochs, batch, w, valFraction, pat,
                    corpusPath == null ? null : corpusPath.toString(), charLimit());
        }

        /** {@code --corpus}, or {@code null} for the bundled Tiny Shakespeare. */
        public Path corpus() {
            return corpus;
        }

        /** {@code --val-fraction}. */
        public double valFraction() {
            return valFraction;
        }

        /** The shared training flags ({@code --epochs}, {@code --seed}, {@code --output-dir} …). */
        public CommonOptions common() {
            return common;
        }

        /** {@code --sample-length}. */
        public int sampleLength() {
            return sampleLength;
        }

        /** {@code --max-chars}, or 100,000 with {@code --quick}; 0 = all. */
        public int charLimit() {
            if (maxChars != null && maxChars < 0) {
                throw new UserException("--max-chars must be positive, got " + maxChars);
            }
            return maxChars != null ? maxChars : common.quick ? 100_000 : 0;
        }
    }

    /** "ROMEO:" when the vocabulary has its letters, else the vocabulary's first character. */
    public static String primeFor(CharVocabulary vocab) {
        return DEFAULT_PRIME.codePoints().allMatch(cp -> vocab.indexOf(cp) >= 0) ? DEFAULT_PRIME
                : new String(Character.toChars(vocab.codePoint(0)));
    }

    /** Validation loss per character, in nats and bits, and the perplexity. */
    public static Map<String, Double> validate(MultiLayerNetwork net, CharData.Split data, CharModel.Config mc) {
        LanguageModelEval.Loss l = LanguageModelEval.loss(net, data.validation(), mc.vocab(), EVAL_STREAMS, EVAL_CHUNK, mc.oneHot());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", l.natsPerToken());
        m.put("val_bits_per_char", l.bitsPerToken());
        return m;
    }
}
