package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetFile;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.text.SentencePairs;
import io.github.lstmsuite.common.text.SurfaceForm;
import io.github.lstmsuite.common.text.TokenVocabulary;
import io.github.lstmsuite.common.text.Tokenizer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The translation data: sentence pairs → tokens → a split by distinct source sentence → vocabularies.
 *
 * <p>A source sentence never appears in two parts: with Tatoeba's many translations of one English
 * sentence, a random split of <em>pairs</em> would test on sentences the model was trained on. For the
 * test part every translation of a source is a reference (multi-reference BLEU).
 */
public final class TranslateData {
    /** English→French from Tatoeba via manythings.org (CC BY 2.0 FR), bundled in {@code data/translation}. */
    public static final DatasetFile ENG_FRA = new DatasetFile("translation", "eng-fra.tsv",
            "c52ae3c5a2f6b3c96d985aad8e2f1aab814c6701cfa9face467989069624bcaa", List.of());

    private TranslateData() {
    }

    /** A tokenised pair. */
    public record Example(List<String> source, List<String> target) {
    }

    /** One held-out source with all its reference translations, as tokens and as written. */
    public record TestItem(List<String> source, List<List<String>> references, List<String> texts) {
    }

    /**
     * The prepared data.
     *
     * @param skippedTooLong pairs left out because a side has more than {@code --max-length} tokens
     */
    public record Split(String name, List<Example> train, List<TestItem> validation, List<TestItem> test,
                        TokenVocabulary sourceVocab, TokenVocabulary targetVocab, int skippedTooLong, int pairs,
                        SurfaceForm surface) {
    }

    /** Reads the pairs of {@code file} (or the bundled eng-fra), reversed if asked. */
    public static List<SentencePairs.Pair> readPairs(Path file, boolean reverse) {
        Path f = file != null ? file : DatasetResolver.standard().resolve(ENG_FRA);
        List<SentencePairs.Pair> pairs = SentencePairs.read(f);
        if (reverse) {
            pairs = pairs.stream().map(SentencePairs.Pair::reversed).toList();
        }
        return pairs;
    }

    /**
     * Tokenises, drops pairs longer than {@code maxLength} tokens on either side, splits the distinct
     * sources (seeded shuffle: {@code testFraction} test, {@code valFraction} validation), and builds the
     * vocabularies from the training part.
     */
    public static Split prepare(String name, List<SentencePairs.Pair> pairs, Tokenizer tokenizer, int maxLength, int minCount,
                                double valFraction, double testFraction, long seed) {
        Map<List<String>, List<List<String>>> bySource = new LinkedHashMap<>();
        Map<List<String>, List<String>> textsBySource = new LinkedHashMap<>();         // the targets as written
        Tokenizer written = new Tokenizer(false, false);                                 // white space normalised, case kept
        int skipped = 0;
        for (SentencePairs.Pair p : pairs) {
            List<String> s = tokenizer.tokenize(p.source());
            List<String> t = tokenizer.tokenize(p.target());
            if (s.isEmpty() || t.isEmpty()) {
                continue;
            }
            if (s.size() > maxLength || t.size() > maxLength) {
                skipped++;
                continue;
            }
            bySource.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
            textsBySource.computeIfAbsent(s, k -> new ArrayList<>()).add(written.normalize(p.target()));
        }
        List<List<String>> sources = new ArrayList<>(bySource.keySet());
        if (sources.size() < 20) {
            throw new UserException(name + ": only " + sources.size() + " distinct source sentences within --max-length "
                    + maxLength + " (" + skipped + " pairs were longer): too few to train and test on");
        }
        Collections.shuffle(sources, new Random(seed));
        int nTest = Math.max(1, (int) Math.round(sources.size() * testFraction));
        int nVal = Math.max(1, (int) Math.round(sources.size() * valFraction));
        List<TestItem> test = new ArrayList<>();
        List<TestItem> val = new ArrayList<>();
        List<Example> train = new ArrayList<>();
        List<String> trainTexts = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            List<String> s = sources.get(i);
            if (i < nTest) {
                test.add(new TestItem(s, bySource.get(s), textsBySource.get(s)));
            } else if (i < nTest + nVal) {
                val.add(new TestItem(s, bySource.get(s), textsBySource.get(s)));
            } else {
                trainTexts.addAll(textsBySource.get(s));
                for (List<String> t : bySource.get(s)) {
                    train.add(new Example(s, t));
                }
            }
        }
        TokenVocabulary sv = TokenVocabulary.build(train.stream().map(Example::source).toList(), minCount);
        TokenVocabulary tv = TokenVocabulary.build(train.stream().map(Example::target).toList(), minCount);
        SurfaceForm surface = tokenizer.chars() ? null : SurfaceForm.learn(trainTexts);   // from the training part only
        return new Split(name, train, val, test, sv, tv, skipped, pairs.size(), surface);
    }

    // ------------------------------------------------------------------ the dates task

    private static final String[] FORMATS = {"d MMMM yyyy", "MMMM d, yyyy", "d MMM yyyy", "dd/MM/yyyy", "EEEE d MMMM yyyy", "MMM d yyyy"};

    /**
     * A synthetic task with an exact answer: a date written as people write it → ISO 8601.
     * {@code "3 march 2019" → "2019-03-03"}, {@code "sunday 3 march 2019"}, {@code "mar 3 2019"},
     * {@code "03/03/2019"} (day first). Dates from 1950 to 2049, drawn with {@code seed}.
     */
    public static List<SentencePairs.Pair> dates(int count, long seed) {
        Random r = new Random(seed);
        List<SentencePairs.Pair> out = new ArrayList<>(count);
        LocalDate start = LocalDate.of(1950, 1, 1);
        int days = (int) (LocalDate.of(2050, 1, 1).toEpochDay() - start.toEpochDay());
        for (int i = 0; i < count; i++) {
            LocalDate d = start.plusDays(r.nextInt(days));
            String f = FORMATS[r.nextInt(FORMATS.length)];
            String human = java.time.format.DateTimeFormatter.ofPattern(f, Locale.ENGLISH).format(d).toLowerCase(Locale.ROOT);
            out.add(new SentencePairs.Pair(human, d.toString(), i + 1));
        }
        return out;
    }

    /** Month names as the dates task writes them (for the README and tests). */
    static String monthName(int month) {
        return java.time.Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT);
    }

    /** The run's data: read, tokenise, split; with the saved vocabularies when the config has them. */
    static Split load(TranslateApp.RunConfig cfg) {
        List<SentencePairs.Pair> pairs = cfg.task().equals("dates")
                ? dates(cfg.datesCount(), cfg.model().seed())
                : readPairs(cfg.pairs() == null ? null : Path.of(cfg.pairs()), cfg.reverse());
        if (cfg.maxPairs() > 0 && pairs.size() > cfg.maxPairs()) {
            pairs = pairs.subList(0, cfg.maxPairs());
        }
        String name = cfg.task().equals("dates") ? "dates (synthetic)" : cfg.pairs() == null ? "eng-fra (Tatoeba)" : cfg.pairs();
        if (cfg.reverse()) {
            name += ", reversed";
        }
        Split s = prepare(name, pairs, cfg.tokenizer(), cfg.maxLength(), cfg.minCount(),
                cfg.valFraction(), cfg.testFraction(), cfg.model().seed());
        if (cfg.sourceVocab() != null) {
            s = new Split(s.name(), s.train(), s.validation(), s.test(), TokenVocabulary.of(cfg.sourceVocab()),
                    TokenVocabulary.of(cfg.targetVocab()), s.skippedTooLong(), s.pairs(), cfg.surface());
        }
        return s;
    }
}
