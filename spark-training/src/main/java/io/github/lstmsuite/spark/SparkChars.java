package io.github.lstmsuite.spark;

import io.github.lstmsuite.chars.CharApp;
import io.github.lstmsuite.chars.CharData;
import io.github.lstmsuite.chars.CharModel;
import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.common.text.LanguageModelEval;
import io.github.lstmsuite.common.text.StreamBatches;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import scala.Tuple2;

/**
 * {@code ./lstm spark chars}: the char model of {@code ./lstm chars} — the same flags, the same network, the same
 * run folder and {@code summary.json} keys — trained on a Spark cluster by parameter averaging.
 *
 * <pre>
 *   corpus (file://, hdfs://, s3a://; a file or a folder of files)   sc.wholeTextFiles → one record per file
 *   per file: the first (1 − f) of its characters train, the rest validate (as ./lstm chars does for one file)
 *   vocabulary: the distinct characters of the training parts (collected to the driver)
 *   examples:   windows of W + 1 characters → [1, 1, W] indices in, [1, 1, W] indices of the next characters out
 *   training:   rounds of workers × batch × averaging-frequency windows (SparkRounds); tBPTT inside each window
 *   validation: on the driver, loss per character on the validation parts
 * </pre>
 * One difference from the single-machine app: the windows start at the same places every epoch (the single-machine
 * streams move their start by a random offset per epoch); their order is shuffled per epoch.
 */
@Command(name = "chars", mixinStandardHelpOptions = true,
        description = "Train ./lstm chars's character model on Spark (parameter averaging). Takes ./lstm chars's flags too; --batch-size is per worker.")
public final class SparkChars implements Callable<SparkChars.Result> {
    @Mixin
    CharApp.Train chars = new CharApp.Train();

    @Mixin
    SparkOptions spark = new SparkOptions();

    /** What the job returns. */
    public record Result(Path runDir, Path model, double valLossNatsPerChar, String sample, List<Map<String, Double>> rounds,
                         boolean interrupted) {
    }

    /** The corpus as Spark reads it: text per file, cut into training and validation parts. */
    record Corpus(String name, CharVocabulary vocab, JavaRDD<int[]> trainParts, int[] validation, long trainChars) {
    }

    @Override
    public Result call() throws Exception {
        spark.check(chars.common());
        NativeSetup.apply(1);                                   // one core per worker: the LSTM layer's own threads off
        String uri = corpusUri(chars.corpus());
        SparkOptions o = spark;
        CharVocabulary[] vocab = new CharVocabulary[1];
        try (JavaSparkContext sc = SparkSetup.start("chars", o.settings())) {
            Corpus[] corpus = new Corpus[1];
            try (TrainingRun<CharApp.RunConfig> run = TrainingRun.start(CharApp.APP, TrainingRun.Options.of(chars.common()),
                    CharApp.RunConfig.class, () -> {
                        corpus[0] = read(sc, uri, chars.valFraction(), chars.charLimit(), null);
                        vocab[0] = corpus[0].vocab();
                        return chars.configure(corpus[0].vocab(), chars.corpus());
                    }, stored -> chars.common().epochs == null ? stored : stored.withEpochs(chars.common().epochs))) {
                CharApp.RunConfig cfg = run.config();
                CharModel.Config mc = cfg.model();
                Corpus data = corpus[0] != null ? corpus[0]
                        : read(sc, uri, cfg.valFraction(), cfg.maxChars(), CharVocabulary.parse(cfg.vocabulary()));
                MultiLayerNetwork net = CharModel.build(mc);
                // truncated BPTT keeps one segment's activations at a time: batch × min(window, tBPTT) steps
                long need = SparkSetup.neededMegabytes(net.numParams(), (long) cfg.batchSize() * Math.min(cfg.window(), mc.tbptt())
                        * (mc.layers() * mc.hidden() * 10L + mc.vocab() * 3L + mc.embedding()));
                SparkSetup.checkModelMemory(o.settings(), need);
                System.out.printf("corpus: %s — %,d training and %,d validation characters, vocabulary of %d%n",
                        data.name(), data.trainChars(), data.validation().length, data.vocab().size());
                System.out.printf("model: %s → %s %d×%d → softmax %d (%,d parameters); Adam lr %s; tBPTT %d in windows of %d%n",
                        mc.oneHot() ? "one-hot " + mc.vocab() : "embedding " + mc.embedding(), mc.cellType().label(mc.lstm()), mc.layers(),
                        mc.hidden(), mc.vocab(), net.numParams(), mc.learningRate(), mc.tbptt(), cfg.window());
                SparkRounds.Settings rs = o.rounds(cfg.batchSize(), cfg.epochs(), mc.seed());
                System.out.printf("spark: %s, %d workers × %d windows per mini-batch, %s (%,d characters per round; %,.0f KiB of parameters, "
                                + "%,.0f KiB with Adam's state)%n", o.master, rs.workers(), rs.batchPerWorker(), SparkOptions.describe(rs),
                        (long) rs.examplesPerRound() * cfg.window(), net.numParams() * 4 / 1024.0, net.numParams() * 12 / 1024.0);

                int window = cfg.window();
                JavaRDD<int[]> windows = data.trainParts().flatMap(tokens -> windows(tokens, window).iterator());
                int v = mc.vocab();
                boolean oneHot = mc.oneHot(), indexLabels = CharModel.indexLabels(net);
                SparkRounds<int[]> rounds = new SparkRounds<>(sc, rs, windows, w -> toDataSet(w, v, oneHot, indexLabels), window,
                        Math.min(window, mc.tbptt()), (window + mc.tbptt() - 1) / mc.tbptt());
                CharData.Split valSplit = new CharData.Split(data.name(), data.vocab(), new int[0], data.validation(), 0);
                SparkRounds.Result fit = rounds.fit(net, run.runDir(), chars.common().resume,
                        n -> CharApp.validate(n, valSplit, mc), Json.write(cfg));
                if (fit.interrupted()) {
                    return new Result(run.runDir(), null, Double.NaN, null, fit.rounds(), true);
                }

                // ---- the same model file and summary as ./lstm chars
                MultiLayerNetwork best = fit.best();
                Path model = run.saveModel(best);
                LanguageModelEval.Loss val = new LanguageModelEval.Loss(fit.state().best,
                        LanguageModelEval.predictions(data.validation().length, CharApp.EVAL_STREAMS));
                String prime = CharApp.primeFor(data.vocab());
                String sample = prime + CharModel.generate(best, data.vocab(), mc.oneHot(),
                        data.vocab().encode(prime, CharVocabulary.Unknown.skip, "prime"), chars.sampleLength(), 0.8, 0, 1.0,
                        new Random(mc.seed()), s -> { });
                System.out.printf("%nvalidation: %.4f nats/char = %.4f bits/char, perplexity %.2f%n%n%s%n",
                        val.natsPerToken(), val.bitsPerToken(), val.perplexity(), sample);
                RunSummary summary = run.countAs("characters", window).summary(fit.state(), mc.seed());
                summary.command = "spark chars";
                summary.data.put("name", data.name());
                summary.data.put("train_characters", Long.toString(data.trainChars()));
                summary.data.put("validation_characters", Integer.toString(data.validation().length));
                summary.metrics.put("val_loss_nats_per_char", val.natsPerToken());
                summary.metrics.put("val_bits_per_char", val.bitsPerToken());
                summary.metrics.put("val_perplexity", val.perplexity());
                summary.metrics.put("sample", sample);
                summary.metrics.put("spark", sparkFacts(o, rs, net.numParams(), fit));
                summary.headline = String.format("validation %.4f nats/char (Spark, %d workers)", val.natsPerToken(), rs.workers());
                summary.write(run.runDir().resolve("summary.json"));
                System.out.printf("validation loss %.4f nats/char   training %s over %d rounds   wall %s%nrun folder: %s%n",
                        val.natsPerToken(), Progress.formatSeconds(fit.state().trainSeconds), fit.state().step,
                        Progress.formatSeconds(summary.wallSeconds), run.runDir().toAbsolutePath().normalize());
                return new Result(run.runDir(), model, val.natsPerToken(), sample, fit.rounds(), false);
            }
        }
    }

    /** The Spark settings and per-round timings, for summary.json. */
    static Map<String, Object> sparkFacts(SparkOptions o, SparkRounds.Settings rs, long params, SparkRounds.Result fit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("master", o.master);
        m.put("training_master", rs.sharing() ? "SharedTrainingMaster" : "ParameterAveragingTrainingMaster");
        m.put("workers", rs.workers());
        m.put("batch_per_worker", rs.batchPerWorker());
        m.put("averaging_frequency", rs.averagingFrequency());
        m.put("executor_memory", o.executorMemory);
        m.put("rounds", fit.state().step);
        m.put("parameters", params);
        // float32 parameters and Adam's two moments, out to each worker and back: what averaging moves per round
        m.put("bytes_per_round", rs.sharing() ? null : params * 4L * 3 * 2 * rs.workers());
        m.put("round_timings", fit.rounds());
        return m;
    }

    /** {@code path} as Spark reads it: an explicit URI as given, a local path made absolute (and checked), none = the bundled corpus. */
    static String corpusUri(Path corpus) {
        if (corpus == null) {
            return DatasetResolver.standard().resolve(CharData.SHAKESPEARE).toAbsolutePath().toUri().toString();
        }
        String s = corpus.toString();
        if (s.matches("^[a-z][a-z0-9+.-]*:/.*") && !s.startsWith("file:")) {
            return s;                                         // hdfs://, s3a://: Spark checks them
        }
        Path p = s.startsWith("file:") ? Path.of(java.net.URI.create(s)) : corpus.toAbsolutePath();
        if (!Files.exists(p)) {
            throw new UserException("--corpus " + corpus + ": no such file or folder");
        }
        return p.toUri().toString();
    }

    /**
     * Reads the corpus: each file's first {@code 1 − valFraction} trains, the rest validates; {@code maxChars} (0 = all)
     * keeps only the first so many characters of each file. The vocabulary comes from the training parts, unless given.
     */
    static Corpus read(JavaSparkContext sc, String uri, double valFraction, int maxChars, CharVocabulary known) {
        if (!(valFraction > 0 && valFraction < 0.5)) {
            throw new UserException("--val-fraction must be in (0, 0.5), got " + valFraction);
        }
        JavaRDD<Tuple2<String, String>> parts = sc.wholeTextFiles(uri).map(f -> {
            String text = f._2();
            if (maxChars > 0 && text.codePointCount(0, text.length()) > maxChars) {
                text = text.substring(0, text.offsetByCodePoints(0, maxChars));
            }
            int n = text.codePointCount(0, text.length());
            int cut = text.offsetByCodePoints(0, (int) Math.round(n * (1 - valFraction)));
            return new Tuple2<>(text.substring(0, cut), text.substring(cut));
        }).cache();
        if (parts.isEmpty()) {
            throw new UserException("--corpus " + uri + ": no text files there");
        }
        CharVocabulary vocab = known;
        if (vocab == null) {
            List<Integer> cps = parts.flatMap(p -> p._1().codePoints().distinct().boxed().iterator()).distinct().collect();
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            vocab = CharVocabulary.of(sb.toString());
        }
        Broadcast<String> alphabet = sc.broadcast(vocab.serialize());
        JavaRDD<int[]> train = parts.map(p -> CharVocabulary.parse(alphabet.value()).encode(p._1(), CharVocabulary.Unknown.skip, "corpus")).cache();
        long trainChars = train.map(t -> (long) t.length).fold(0L, Long::sum);
        List<String> valTexts = parts.map(Tuple2::_2).collect();
        StringBuilder val = new StringBuilder();
        valTexts.forEach(val::append);
        int[] validation = vocab.encode(val.toString(), CharVocabulary.Unknown.skip, "validation");
        if (trainChars < 100 || validation.length < 10) {
            throw new UserException("--corpus " + uri + ": too little text to train on (" + trainChars + " training characters)");
        }
        String name = known == null && uri.endsWith("/input.txt") && uri.contains("tinyshakespeare") ? "tinyshakespeare" : uri;
        return new Corpus(name, vocab, train, validation, trainChars);
    }

    /** Consecutive windows of {@code window + 1} tokens (inputs and the next tokens), from the start of a part. */
    static List<int[]> windows(int[] tokens, int window) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start + window + 1 <= tokens.length; start += window) {
            out.add(java.util.Arrays.copyOfRange(tokens, start, start + window + 1));
        }
        return out;
    }

    /**
     * One window as DL4J's example ({@code StreamBatches}' encoding): features [1, 1, W] indices (or [1, V, W]
     * one-hot), labels [1, 1, W] next-character indices ({@code indexLabels}, the model's {@code SoftmaxOutput})
     * or [1, V, W] one-hot.
     */
    static DataSet toDataSet(int[] w, int vocab, boolean oneHot, boolean indexLabels) {
        return StreamBatches.windows(w, new int[] {0}, w.length - 1, vocab, oneHot, indexLabels);
    }
}
