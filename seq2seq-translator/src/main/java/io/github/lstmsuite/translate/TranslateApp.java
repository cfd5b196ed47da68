package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.eval.Bleu;
import io.github.lstmsuite.common.nn.LstmImpl;
import io.github.lstmsuite.common.report.RunDirs;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.text.SentencePairs;
import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.text.Tokenizer;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm translate}: an encoder–decoder LSTM (seed 002) trained with teacher forcing, decoded
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
     */
    public record RunConfig(String task, String pairs, boolean reverse, boolean chars, boolean lowercase, int maxLength,
                            int minCount, double valFraction, double testFraction, int datesCount,
                            TranslateModel.Config model, double teacherForcing, int epochs, int batchSize, int patience,
                            int beam, List<String> sourceVocab, List<String> targetVocab) {
        Tokenizer tokenizer() {
            return new Tokenizer(chars, lowercase);
        }
    }

    /** The scores of one decoding method on a held-out part, with its translations (joined tokens, in item order). */
    public record Scores(double bleu, double exactMatch, int sentences, List<String> translations) {
    }

    /** What {@code train} returns. */
    public record TrainResult(Path runDir, Path model, Scores greedy, Scores beam, double tokenAccuracy,
                              List<String[]> samples, double wallSeconds, boolean interrupted) {
    }

    // ------------------------------------------------------------------ train

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on sentence pairs (default: the bundled English-French), report test BLEU greedy and with a beam.")
    static final class Train implements Callable<TrainResult> {
        @Mixin
        CommonOptions common = new CommonOptions();

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

        @Option(names = "--attention", description = "Add dot-product attention over the encoder's steps.")
        boolean attention;

        @Option(names = "--teacher-forcing-ratio", paramLabel = "R", defaultValue = "1.0",
                description = "Probability of feeding the true previous token to the decoder (default ${DEFAULT-VALUE}); below 1, the model's own prediction otherwise.")
        double teacherForcing;

        @Option(names = "--embedding", paramLabel = "E", description = "Embedding size (default 128).")
        Integer embedding;

        @Option(names = "--hidden", paramLabel = "H", description = "Encoder and decoder LSTM size (default 256).")
        Integer hidden;

        @Option(names = "--layers", paramLabel = "N", description = "Stacked recurrent layers in the encoder and in the decoder (default 1).")
        Integer layers;

        @Option(names = "--bidirectional", negatable = true, description = "A bidirectional encoder: H/2 units read forwards, H/2 backwards (default: on for pairs, off for dates).")
        Boolean bidirectional;

        @Option(names = "--dropout", paramLabel = "P", description = "Probability of zeroing an input of each recurrent layer and of the softmax layer (default 0.3 for pairs, 0 for dates).")
        Double dropout;

        @Option(names = "--lr-decay", paramLabel = "G", description = "Multiply the learning rate by G after every epoch (default 1: constant).")
        Double lrDecay;

        @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Train towards (1 - EPS)·onehot + EPS/V instead of the one-hot target (default 0.1 for pairs, 0 for dates).")
        Double labelSmoothing;

        @Option(names = "--beam", paramLabel = "K", defaultValue = "5", description = "Beam width for the beam-search score (default ${DEFAULT-VALUE}; greedy is always reported too).")
        int beam;

        @Option(names = "--patience", paramLabel = "E", description = "Early stopping on validation BLEU (default 3).")
        Integer patience;

        @Option(names = "--dates", paramLabel = "N", defaultValue = "20000", description = "Pairs generated for --task dates (default ${DEFAULT-VALUE}).")
        int datesCount;

        @Override
        public TrainResult call() throws Exception {
            int threads = NativeSetup.apply(common.threads);
            TranslateData.Split[] read = new TranslateData.Split[1];    // a fresh run reads the data first: the vocabularies travel with the model
            try (TrainingRun<RunConfig> run = TrainingRun.start(APP, common, RunConfig.class, () -> {
                RunConfig fresh = configure();
                read[0] = load(fresh);
                return withVocab(fresh, read[0]);
            }, stored -> stored)) {
                RunConfig cfg = run.config();
                Path runDir = run.runDir();
                TranslateData.Split data = read[0] != null ? read[0] : load(cfg);
                TranslateModel.Config mc = cfg.model();
                System.out.printf("data: %s — %,d pairs%s; %,d training pairs, %,d validation and %,d test sources (split by distinct source); "
                                + "vocabularies %,d → %,d %s%n", data.name(), data.pairs(),
                        data.skippedTooLong() > 0 ? " (" + data.skippedTooLong() + " longer than --max-length " + cfg.maxLength() + ", skipped)" : "",
                        data.train().size(), data.validation().size(), data.test().size(), mc.sourceVocab(), mc.targetVocab(),
                        cfg.chars() ? "characters" : "words");

                ComputationGraph net = TranslateModel.build(mc);
                String cell = (mc.cell() == null ? io.github.lstmsuite.common.nn.CellType.lstm : mc.cell()).label(mc.lstm());
                String stack = mc.depth() > 1 ? mc.depth() + " × " : "";
                String encoder = mc.bidirectional() ? stack + "bidirectional " + cell + " " + mc.hidden() / 2 + "+" + mc.hidden() / 2
                        : stack + cell + " " + mc.hidden();
                System.out.printf("model: embedding %d → encoder %s → decoder %s%s %d%s → softmax %,d (%,d parameters); dropout %.2f, label smoothing %.2f; "
                                + "teacher forcing %.2f; Adam lr %s%s, batch %d, up to %d epochs, %d thread(s)%n",
                        mc.embedding(), encoder, stack, cell, mc.hidden(), mc.attention() ? " + attention" : "", mc.targetVocab(), net.numParams(),
                        mc.dropout(), mc.labelSmoothing(), cfg.teacherForcing(), mc.learningRate(),
                        mc.lrDecay() > 0 && mc.lrDecay() != 1 ? " × " + mc.lrDecay() + " per epoch" : "", cfg.batchSize(), cfg.epochs(), threads);

                PairBatches batches = new PairBatches(data.train(), data.sourceVocab(), data.targetVocab(), cfg.batchSize(),
                        cfg.teacherForcing(), mc.seed());
                Trainer.Result<ComputationGraph> fit = run.fit(net, batches, n -> {
                    Map<String, Double> m = new LinkedHashMap<>();
                    Translator tr = new Translator(n, mc, cfg.maxLength() + 2);
                    m.put("val_bleu", score(tr, data.validation(), data, cfg, 1).bleu());
                    return m;
                }, cfg.epochs(), mc.seed(), "val_bleu", true, cfg.patience());
                if (fit.interrupted()) {
                    return new TrainResult(runDir, null, null, null, Double.NaN, List.of(), run.seconds(), true);
                }
                ComputationGraph best = fit.network();
                Path model = run.saveModel(best);

                // ---- the test part
                Translator tr = new Translator(best, mc, cfg.maxLength() + 2);
                Scores greedy = score(tr, data.test(), data, cfg, 1);
                Scores beamed = cfg.beam() > 1 ? score(tr, data.test(), data, cfg, cfg.beam()) : greedy;
                double tokenAcc = tokenAccuracy(best, data);
                List<String[]> samples = samples(beamed, data, cfg, 8);
                System.out.printf("%ntest (%,d sources, all their translations as references):%n", greedy.sentences());
                System.out.printf("  greedy     BLEU %5.2f   exact match %.3f%n", greedy.bleu(), greedy.exactMatch());
                if (cfg.beam() > 1) {
                    System.out.printf("  beam %-3d   BLEU %5.2f   exact match %.3f%n", cfg.beam(), beamed.bleu(), beamed.exactMatch());
                }
                System.out.printf("  token accuracy (teacher forced, first reference) %.3f%n%nsamples (beam %d):%n", tokenAcc, cfg.beam());
                for (String[] s : samples) {
                    System.out.printf("  %s%n    → %s%n    (reference: %s)%n", s[0], s[1], s[2]);
                }

                RunSummary summary = run.summary(fit.state(), mc.seed());
                summary.data.put("name", data.name());
                summary.data.put("train_pairs", Integer.toString(data.train().size()));
                summary.data.put("test_sources", Integer.toString(data.test().size()));
                Scores main = cfg.beam() > 1 ? beamed : greedy;
                summary.metrics.put("bleu", main.bleu());
                summary.metrics.put("exact_match", main.exactMatch());
                summary.metrics.put("bleu_greedy", greedy.bleu());
                summary.metrics.put("exact_match_greedy", greedy.exactMatch());
                summary.metrics.put("bleu_beam", beamed.bleu());
                summary.metrics.put("exact_match_beam", beamed.exactMatch());
                summary.metrics.put("beam", cfg.beam());
                summary.metrics.put("token_accuracy", tokenAcc);
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
            int maxLen = maxLength != null ? maxLength : chars ? 40 : 12;
            int minC = minCount != null ? minCount : chars ? 1 : 2;
            int emb = embedding != null ? embedding : quick ? 32 : 128;
            int hid = hidden != null ? hidden : quick ? 64 : 256;
            int epochs = common.epochs != null ? common.epochs : quick ? 2 : 20;
            int batch = common.batchSize != null ? common.batchSize : 64;
            double lr = common.learningRate != null ? common.learningRate : 0.002;
            int pat = patience != null ? patience : 3;
            int depth = layers != null ? layers : 1;
            boolean bi = bidirectional != null ? bidirectional : !dates;
            double drop = dropout != null ? dropout : dates ? 0 : 0.3;
            double smooth = labelSmoothing != null ? labelSmoothing : dates ? 0 : 0.1;
            if (!(smooth >= 0 && smooth < 1)) {
                throw new UserException("--label-smoothing must be in [0, 1), got " + smooth);
            }
            double decay = lrDecay != null ? lrDecay : 1.0;
            if (!(decay > 0 && decay <= 1)) {
                throw new UserException("--lr-decay must be in (0, 1], got " + decay);
            }
            if (!(drop >= 0 && drop < 1)) {
                throw new UserException("--dropout must be in [0, 1), got " + drop);
            }
            if (maxLen >= 1 && minC >= 1 && emb >= 1 && hid >= 1 && depth >= 1) {    // the vocabularies (≤ 10⁴ words each) are known later
                Limits.checkRecurrent(emb + hid, hid, 2 * depth, 40_000L, 20_000L * emb);
            }
            if (bi && hid % 2 != 0) {
                throw new UserException("--hidden must be even with a bidirectional encoder (H/2 each way), got " + hid);
            }
            if (!(teacherForcing >= 0 && teacherForcing <= 1)) {
                throw new UserException("--teacher-forcing-ratio must be in [0, 1], got " + teacherForcing);
            }
            if (maxLen < 1 || minC < 1 || emb < 1 || hid < 1 || epochs < 1 || batch < 1 || beam < 1 || depth < 1 || pat < 0 || !(lr > 0)) {
                throw new UserException("--max-length, --min-count, --embedding, --hidden, --layers, --epochs, --batch-size and --beam must be positive");
            }
            if (dates && pairs != null) {
                throw new UserException("--pairs and --task dates exclude each other");
            }
            TranslateModel.Config mc = new TranslateModel.Config(0, 0, emb, hid, attention, lr, common.seed,
                    common.lstm != null ? common.lstm : LstmImpl.fast, common.cell, depth, bi, drop, smooth, decay);
            return new RunConfig(task, pairs == null ? null : pairs.toString(), reverse, chars, !keepCase, maxLen, minC, 0.05, 0.1,
                    quick ? Math.min(datesCount, 3000) : datesCount, mc, teacherForcing, epochs, batch, pat, beam, null, null);
        }
    }

    /** The run's data: read, tokenise, split; with the saved vocabularies when the config has them. */
    static TranslateData.Split load(RunConfig cfg) {
        List<SentencePairs.Pair> pairs = cfg.task().equals("dates")
                ? TranslateData.dates(cfg.datesCount(), cfg.model().seed())
                : TranslateData.readPairs(cfg.pairs() == null ? null : Path.of(cfg.pairs()), cfg.reverse());
        String name = cfg.task().equals("dates") ? "dates (synthetic)" : cfg.pairs() == null ? "eng-fra (Tatoeba)" : cfg.pairs();
        if (cfg.reverse()) {
            name += ", reversed";
        }
        TranslateData.Split s = TranslateData.prepare(name, pairs, cfg.tokenizer(), cfg.maxLength(), cfg.minCount(),
                cfg.valFraction(), cfg.testFraction(), cfg.model().seed());
        if (cfg.sourceVocab() != null) {
            s = new TranslateData.Split(s.name(), s.train(), s.validation(), s.test(), TokenVocabulary.of(cfg.sourceVocab()),
                    TokenVocabulary.of(cfg.targetVocab()), s.skippedTooLong(), s.pairs());
        }
        return s;
    }

    private static RunConfig withVocab(RunConfig c, TranslateData.Split d) {
        TranslateModel.Config mc = c.model().withVocabularies(d.sourceVocab().size(), d.targetVocab().size());
        return new RunConfig(c.task(), c.pairs(), c.reverse(), c.chars(), c.lowercase(), c.maxLength(), c.minCount(),
                c.valFraction(), c.testFraction(), c.datesCount(), mc, c.teacherForcing(), c.epochs(), c.batchSize(),
                c.patience(), c.beam(), d.sourceVocab().tokens(), d.targetVocab().tokens());
    }

    // ------------------------------------------------------------------ scoring

    /** Corpus BLEU and exact match of translating {@code items} (greedy when {@code beam} is 1). */
    static Scores score(Translator tr, List<TranslateData.TestItem> items, TranslateData.Split d, RunConfig cfg, int beam) {
        Tokenizer tok = cfg.tokenizer();
        List<int[]> srcs = items.stream().map(i -> d.sourceVocab().encode(i.source())).toList();
        List<int[]> outs = beam > 1 ? srcs.stream().map(s -> tr.beam(s, beam)).toList() : tr.greedy(srcs);
        List<String> hyps = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        int exact = 0;
        for (int i = 0; i < items.size(); i++) {
            List<String> hypTokens = d.targetVocab().decode(outs.get(i));
            hyps.add(tok.join(hypTokens));
            refs.add(items.get(i).references().stream().map(tok::join).toList());
            exact += items.get(i).references().contains(hypTokens) ? 1 : 0;
        }
        return new Scores(Bleu.corpus(hyps, refs).bleu(), exact / (double) items.size(), items.size(), hyps);
    }

    /** Teacher-forced next-token accuracy on the test sources against their first reference. */
    static double tokenAccuracy(ComputationGraph net, TranslateData.Split d) {
        List<TranslateData.Example> ex = d.test().stream().map(i -> new TranslateData.Example(i.source(), i.references().get(0))).toList();
        long right = 0;
        long all = 0;
        for (int from = 0; from < ex.size(); from += 256) {
            MultiDataSet mds = PairBatches.encode(ex.subList(from, Math.min(ex.size(), from + 256)), d.sourceVocab(), d.targetVocab());
            INDArray pred = net.output(false, mds.getFeatures(), mds.getFeaturesMaskArrays())[0].argMax(1);   // [B, Tt]
            INDArray lab = mds.getLabels(0);
            INDArray mask = mds.getLabelsMaskArray(0);
            for (int i = 0; i < pred.size(0); i++) {
                for (int t = 0; t < pred.size(1); t++) {
                    if (mask.getDouble(i, t) > 0) {
                        all++;
                        right += pred.getInt(i, t) == lab.getInt(i, 0, t) ? 1 : 0;
                    }
                }
            }
        }
        return right / (double) all;
    }

    /** The first {@code n} test sources with their translations (already decoded for {@code scores}) and a reference. */
    static List<String[]> samples(Scores scores, TranslateData.Split d, RunConfig cfg, int n) {
        Tokenizer tok = cfg.tokenizer();
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, d.test().size()); i++) {
            TranslateData.TestItem item = d.test().get(i);
            out.add(new String[] {tok.join(item.source()), scores.translations().get(i), tok.join(item.references().get(0))});
        }
        return out;
    }

    // ------------------------------------------------------------------ using a model

    /** A trained model and its settings. */
    record Loaded(Path path, ComputationGraph net, RunConfig config) {
        Translator translator() {
            return new Translator(net, config.model(), config.maxLength() + 2);
        }
    }

    static Loaded load(Path model) {
        Path path = model != null ? model : RunDirs.newestModel(APP);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new UserException("--model " + path + ": no such file");
        }
        ModelZip.requireApp(path, APP);
        String json = ModelZip.readEntry(path, Trainer.CONFIG_ENTRY);
        RunConfig cfg = json == null ? null : ModelZip.parse(path, json, RunConfig.class);
        if (cfg == null || cfg.targetVocab() == null) {
            throw new UserException("--model " + path + ": not a translation model");
        }
        return new Loaded(path, ModelZip.loadGraph(path, false), cfg);
    }

    /** What {@code translate} returns. */
    public record TranslateResult(List<String> translations, int unknownTokens) {
    }

    /** What {@code evaluate} returns. */
    public record EvaluateResult(Scores greedy, Scores beam) {
    }

}
