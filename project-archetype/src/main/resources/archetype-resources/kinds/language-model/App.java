package com.example.lstm;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.RunOptions;
import io.github.lstmsuite.common.report.AtomicFiles;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.LanguageModelEval;
import io.github.lstmsuite.common.text.Sampling;
import io.github.lstmsuite.common.text.StreamBatches;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./run}: trains a character-level LSTM language model, reports its validation loss per character,
 * writes a sample, and leaves the run folder: {@code summary.json}, {@code metrics.csv}, {@code model.zip},
 * learning curves and {@code sample.txt}. The training lifecycle is the suite's {@link TrainingRun}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train a character-level LSTM language model on the bundled text, then write some.")
public final class App implements Callable<App.Result> {
    static final String APP = "language-model";

    /** Everything a run is made with; stored in its checkpoints and in {@code model.zip} (with the vocabulary). */
    public record Config(Model.Config model, String vocabulary, int epochs, int batchSize, int window, double valFraction,
                         String data) {
    }

    /** What a run returns: the validation loss in nats per character, and the sample. */
    public record Result(Path runDir, Path model, double valLossNatsPerChar, String sample, TrainState state) {
    }

    @Option(names = "--data", paramLabel = "PATH", defaultValue = "data/shakespeare.txt", description = "A UTF-8 text file or a folder of .txt files (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "6", description = "Passes over the training text (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32", description = "Parallel streams per mini-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--window", paramLabel = "W", defaultValue = "200", description = "Characters per mini-batch and stream (default: ${DEFAULT-VALUE}).")
    int window;
    @Option(names = "--tbptt", paramLabel = "T", defaultValue = "50", description = "Truncated BPTT: steps the gradient flows back (default: ${DEFAULT-VALUE}).")
    int tbptt;
    @Option(names = "--embedding", paramLabel = "E", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "128", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", paramLabel = "L", defaultValue = "1", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.005", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1", description = "The end of the text held out for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;
    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "300", description = "Characters to write after training (default: ${DEFAULT-VALUE}).")
    int sampleLength;
    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling: 0 = likeliest, higher = wilder (default: ${DEFAULT-VALUE}).")
    double temperature;
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
        if (epochs < 1 || batchSize < 1 || window < 1 || tbptt < 1 || embedding < 1 || hidden < 1 || layers < 1
                || !(learningRate > 0) || sampleLength < 0 || !(temperature >= 0)) {
            throw new UserException("--epochs, --batch-size, --window, --tbptt, --embedding, --hidden, --layers and "
                    + "--learning-rate must be positive; --sample-length and --temperature at least 0");
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new UserException("--val-fraction must be in (0, 1), got " + valFraction);
        }
        NativeSetup.apply(null);
        Data.Corpus[] read = new Data.Corpus[1];              // a fresh run reads the text first: its characters are the vocabulary
        try (TrainingRun<Config> run = TrainingRun.start(APP, runOptions.options(), Config.class, () -> {
            read[0] = Data.read(data, valFraction);
            return new Config(new Model.Config(read[0].vocab().size(), embedding, hidden, layers, learningRate, tbptt, seed),
                    read[0].vocab().serialize(), epochs, batchSize, window, valFraction, data.toString());
        })) {
            Config cfg = run.config();
            Model.Config mc = cfg.model();
            CharVocabulary vocab = CharVocabulary.parse(cfg.vocabulary());
            Data.Corpus text = read[0] != null ? read[0] : Data.read(Path.of(cfg.data()), cfg.valFraction());   // --resume: the run's own text
            System.out.printf("text: %s — %,d training and %,d validation characters, %d distinct%n",
                    cfg.data(), text.train().length, text.validation().length, vocab.size());

            // ---- model
            MultiLayerNetwork net = Model.build(mc);
            System.out.printf("model: embedding %d → %d × LSTM(%d) → softmax %d, %,d parameters; truncated BPTT %d%n",
                    mc.embedding(), mc.layers(), mc.hidden(), mc.vocab(), net.numParams(), mc.tbptt());

            // ---- train: B parallel streams, W characters a batch, the state carried across segments
            StreamBatches batches = new StreamBatches(text.train(), mc.vocab(), cfg.batchSize(), cfg.window(), mc.tbptt(), false, true, mc.seed());
            Trainer.Result<MultiLayerNetwork> fit = run.fit(net, batches,
                    n -> Map.of("val_loss", LanguageModelEval.loss(n, text.validation(), mc.vocab(), 32, 200, false).natsPerToken()),
                    cfg.epochs(), mc.seed(), "val_loss", false, 0);
            if (fit.interrupted()) {
                return new Result(run.runDir(), null, Double.NaN, "", fit.state());
            }

            // ---- evaluate and write
            LanguageModelEval.Loss loss = LanguageModelEval.loss(fit.network(), text.validation(), mc.vocab(), 32, 200, false);
            String prime = "\n";
            String sample = prime + generate(fit.network(), vocab, prime, sampleLength, temperature, new Random(mc.seed()));
            AtomicFiles.writeString(run.runDir().resolve("sample.txt"), sample);
            System.out.printf("%nvalidation: %.4f nats per character (%.3f bits, perplexity %.2f)%n%nsample:%s%n",
                    loss.natsPerToken(), loss.bitsPerToken(), loss.perplexity(), sample);
            Path model = run.saveModel(fit.network());
            RunSummary summary = run.summary(fit.state(), mc.seed());
            summary.metrics.put("val_loss_nats_per_char", loss.natsPerToken());
            summary.metrics.put("val_bits_per_char", loss.bitsPerToken());
            summary.write(run.runDir().resolve("summary.json"));
            System.out.println("run folder: " + run.runDir().toAbsolutePath().normalize());
            return new Result(run.runDir(), model, loss.natsPerToken(), sample, fit.state());
        }
    }

    /**
     * Writes {@code length} characters after {@code prime}: the prime goes through the network once, then each
     * drawn character is fed back, one {@code rnnTimeStep} per character (the state is kept between calls).
     */
    static String generate(MultiLayerNetwork net, CharVocabulary vocab, String prime, int length, double temperature, Random random) {
        int[] p = vocab.encode(prime, CharVocabulary.Unknown.skip, "prime");
        net.rnnClearPreviousState();
        INDArray x = Nd4j.create(new float[p.length], new long[] {1, 1, p.length});         // [1, 1, P] indices
        for (int t = 0; t < p.length; t++) {
            x.putScalar(0, 0, t, p[t]);
        }
        INDArray probs = net.rnnTimeStep(x);                                                    // [1, V, P]
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            double[] last = probs.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(probs.size(2) - 1)).toDoubleVector();
            int next = Sampling.next(last, temperature, 0, 1, random);
            out.appendCodePoint(vocab.codePoint(next));
            probs = net.rnnTimeStep(Nd4j.create(new float[] {next}, new long[] {1, 1, 1}));    // [1, V, 1]
        }
        net.rnnClearPreviousState();
        return out.toString();
    }
}
