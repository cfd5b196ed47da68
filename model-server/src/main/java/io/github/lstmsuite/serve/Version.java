package io.github.lstmsuite.serve;

import io.github.lstmsuite.chars.TextGenerator;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.forecast.SeriesForecaster;
import io.github.lstmsuite.mnist.DigitClassifier;
import io.github.lstmsuite.translate.SentenceTranslator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One loaded version of a served model: the app's Java API object(s) behind their batchers, and the raw
 * network behind the tensor batcher. Immutable once built; {@link ServedModel} swaps whole versions.
 */
final class Version {
    /** A forecast request: the series so far (with time labels) and the steps wanted. */
    record ForecastJob(double[] values, String[] times, int horizon) {
    }

    /** A translate request: its sentences and beam width. */
    record TranslateJob(List<String> sentences, int beam) {
    }

    final int number;
    final Path path;
    final Instant loaded;
    final ModelKind kind;
    final Batcher<Tensors.Job, Map<String, INDArray>> tensors;
    final Tensors tensorInfo;
    final Batcher<float[][], DigitClassifier.Classification> classify;
    final Batcher<ForecastJob, SeriesForecaster.Forecast> forecast;
    final SeriesForecaster forecaster;          // read only for its horizon() and needs(), which are constants
    final Batcher<TranslateJob, List<SentenceTranslator.Translation>> translate;
    final int defaultBeam;
    final BlockingQueue<TextGenerator> generators;
    final CharVocabulary vocabulary;   // a chars model's characters (immutable)
    final TimeSeries example;          // a forecast model's training series' tail, or null

    private Version(Builder b) {
        this.number = b.number;
        this.path = b.path;
        this.loaded = Instant.now();
        this.kind = b.kind;
        this.tensors = b.tensors;
        this.tensorInfo = b.tensorInfo;
        this.classify = b.classify;
        this.forecast = b.forecast;
        this.forecaster = b.forecaster;
        this.translate = b.translate;
        this.defaultBeam = b.defaultBeam;
        this.generators = b.generators;
        this.vocabulary = b.vocabulary;
        this.example = b.example;
    }

    private static final class Builder {
        int number;
        Path path;
        ModelKind kind;
        Batcher<Tensors.Job, Map<String, INDArray>> tensors;
        Tensors tensorInfo;
        Batcher<float[][], DigitClassifier.Classification> classify;
        Batcher<ForecastJob, SeriesForecaster.Forecast> forecast;
        SeriesForecaster forecaster;
        Batcher<TranslateJob, List<SentenceTranslator.Translation>> translate;
        int defaultBeam;
        BlockingQueue<TextGenerator> generators;
        CharVocabulary vocabulary;
        TimeSeries example;
    }

    /** Loads {@code path} as a model of {@code kind} and starts its batchers. */
    static Version load(String name, int number, ModelKind kind, Path path, ServeConfig cfg, ServerMetrics metrics) {
        Builder b = new Builder();
        b.number = number;
        b.path = path;
        b.kind = kind;
        String tag = name + " v" + number;
        b.tensorInfo = Tensors.load(path);
        b.tensors = new Batcher<>(tag + " infer", cfg.maxBatch(), cfg.queue(), cfg.maxDelayMicros(), b.tensorInfo::run, metrics.batchSizes(name, "infer"));
        switch (kind) {
            case mnist -> {
                DigitClassifier model = DigitClassifier.load(path);
                b.classify = new Batcher<>(tag + " classify", cfg.maxBatch(), cfg.queue(), cfg.maxDelayMicros(), model::classify,
                        metrics.batchSizes(name, "classify"));
            }
            case chars -> {
                TextGenerator first = TextGenerator.load(path);
                b.vocabulary = first.vocabulary();
                b.generators = new ArrayBlockingQueue<>(cfg.streams());
                b.generators.add(first);
                for (int i = 1; i < cfg.streams(); i++) {
                    b.generators.add(first.copy());
                }
            }
            case forecast -> {
                SeriesForecaster model = SeriesForecaster.load(path);
                b.forecaster = model;
                b.example = tail(model.trainingSeries(), 144);     // read once: the page offers it
                b.forecast = new Batcher<>(tag + " forecast", cfg.maxBatch(), cfg.queue(), cfg.maxDelayMicros(), jobs -> {
                    List<SeriesForecaster.Forecast> out = new ArrayList<>(jobs.size());
                    for (ForecastJob j : jobs) {        // one series at a time: a forecast is a few small steps
                        out.add(model.forecast(Requests.series(j.values(), j.times()), j.horizon()));
                    }
                    return out;
                }, metrics.batchSizes(name, "forecast"));
            }
            case translate -> {
                SentenceTranslator model = SentenceTranslator.load(path);
                b.defaultBeam = model.defaultBeam();
                b.translate = new Batcher<>(tag + " translate", cfg.maxBatch(), cfg.queue(), cfg.maxDelayMicros(), jobs -> translateAll(model, jobs),
                        metrics.batchSizes(name, "translate"));
            }
            case tensor -> {
                // the tensor endpoint only
            }
        }
        return new Version(b);
    }

    /** The batch's sentences, those of one beam width together, then split back per request. */
    private static List<List<SentenceTranslator.Translation>> translateAll(SentenceTranslator model, List<TranslateJob> jobs) {
        List<List<SentenceTranslator.Translation>> out = new ArrayList<>(jobs.size());
        jobs.forEach(j -> out.add(null));
        jobs.stream().mapToInt(TranslateJob::beam).distinct().forEach(beam -> {
            List<Integer> ids = new ArrayList<>();
            List<String> sentences = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                if (jobs.get(i).beam() == beam) {
                    ids.add(i);
                    sentences.addAll(jobs.get(i).sentences());
                }
            }
            List<SentenceTranslator.Translation> all = model.translate(sentences, beam, false);   // all lengths in one batch
            int at = 0;
            for (int i : ids) {
                int n = jobs.get(i).sentences().size();
                out.set(i, all.subList(at, at + n));
                at += n;
            }
        });
        return out;
    }

    /** A generator of this version for one stream, waiting up to {@code millis} for one to be free; null if none. */
    TextGenerator takeGenerator(long millis) throws InterruptedException {
        return generators.poll(millis, TimeUnit.MILLISECONDS);
    }

    void returnGenerator(TextGenerator g) {
        generators.add(g);
    }

    /** Streams running now on this version (the generators taken out of the pool). */
    int activeStreams() {
        return generators == null ? 0 : generators.remainingCapacity();
    }

    /** The last {@code n} rows of a univariate series (or null). */
    private static TimeSeries tail(TimeSeries t, int n) {
        if (t == null) {
            return null;
        }
        int from = Math.max(0, t.length() - n);
        return new TimeSeries(t.source(), t.targetName(), t.timeName(),
                java.util.Arrays.copyOfRange(t.labels(), from, t.length()), java.util.Arrays.copyOfRange(t.target(), from, t.length()),
                List.of(), new double[0][]);
    }

    /** Requests waiting in this version's queues. */
    int queued() {
        int n = tensors.depth();
        for (Batcher<?, ?> b : new Batcher<?, ?>[] {classify, forecast, translate}) {
            n += b == null ? 0 : b.depth();
        }
        return n;
    }

    /** Takes no new request; those queued finish on this version. */
    void retire() {
        for (Batcher<?, ?> b : new Batcher<?, ?>[] {tensors, classify, forecast, translate}) {
            if (b != null) {
                b.retire();
            }
        }
    }

    /** {@link #retire}, then waits up to {@code millis} for the queued requests to finish. */
    void retireAndWait(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        for (Batcher<?, ?> b : new Batcher<?, ?>[] {tensors, classify, forecast, translate}) {
            if (b != null) {
                b.retireAndWait(Math.max(1, end - System.currentTimeMillis()));
            }
        }
    }
}
