package io.github.lstmsuite.forecast;

import static java.util.Objects.requireNonNullElse;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.CommonOptions;
import io.github.lstmsuite.common.cli.HelpDefaults;
import io.github.lstmsuite.common.cli.Limits;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.cli.ShapeOptions;
import io.github.lstmsuite.common.report.AtomicFiles;
import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.common.report.RunSummary;
import io.github.lstmsuite.common.series.Baselines;
import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.RollingOrigin;
import io.github.lstmsuite.common.series.Theta;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.train.Progress;
import io.github.lstmsuite.common.train.TrainState;
import io.github.lstmsuite.common.train.Trainer;
import io.github.lstmsuite.common.train.TrainingRun;
import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.LstmImpl;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm forecast --panel [FILE|DIR]}: one LSTM trained across many series, scored series by series beside the
 * statistical methods forecasters use (ETS, Theta) and the M4 competition's benchmarks, aggregated as in M4 (mean sMAPE,
 * mean MASE, OWA relative to Naive2) over the whole panel and per frequency.
 *
 * <p>The story: read the panel → split every series in time (train | validation | test, the last 2H values for the
 * test) → put each on a common scale fitted on its training part ({@link PanelModel.Encoding}) → train K networks on
 * windows drawn across all series, each stopped early on the panel's validation MASE → forecast every test origin of
 * every series with the median of the K → the same origins for every peer → tables, charts, {@code summary.json}.
 */
@Command(name = "panel", mixinStandardHelpOptions = true, resourceBundle = "io.github.lstmsuite.forecast.ForecastPanel$Defaults",
        description = "One LSTM for many series (--panel FILE|DIR; default: the bundled 19-series panel), against ETS, Theta, Naive2, naive and seasonal naive, scored as in the M4 competition.")
final class ForecastPanel implements Callable<ForecastPanel.PanelResult> {
    /** The methods in the table, the LSTM first; OWA is relative to naive2. */
    static final List<String> METHODS = List.of("lstm", "lstm+ets", "ets", "theta", "naive2", "seasonal_naive", "naive");

    /** The defaults {@code --help} shows. */
    public static final class Defaults extends HelpDefaults {
        public Defaults() {
            super("hidden", "64; --quick: 16", "layers", "1", "dropout", "0", "patience", "6", "metric", "validation MASE",
                    "epochs", "30; --quick: 2", "batch-size", "64", "learning-rate", "0.003");
        }
    }

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    ShapeOptions shape = new ShapeOptions();

    @Option(names = "--panel", arity = "0..1", fallbackValue = "", paramLabel = "FILE|DIR",
            description = "A long CSV (series,time,value), a folder of time,value CSVs, or one time,value CSV (a panel of one); an index.csv beside it (series,frequency) gives the periods. Default: the bundled panel (19 real series).")
    String panel;

    @Option(names = "--horizon", paramLabel = "H", description = "Steps to forecast, for every series (default 12).")
    Integer horizon;

    @Option(names = "--period", paramLabel = "M", description = "Seasonal period of every series (default: index.csv, then the time labels, then detected).")
    Integer period;

    @Option(names = "--window", paramLabel = "W", description = "Steps the LSTM reads before a forecast (default 24).")
    Integer window;

    @Option(names = "--members", paramLabel = "K", description = "Networks in the ensemble, each from its own seed; the forecast is their median (default 5; --quick: 2).")
    Integer members;

    @Option(names = "--steps-per-epoch", paramLabel = "N", description = "Mini-batches per epoch (default 50).")
    Integer stepsPerEpoch;

    @Option(names = "--future", split = ",", paramLabel = "NAME",
            description = "Covariate columns whose values are known ahead (a calendar, a planned price, a weather forecast): the network reads them at the H steps it forecasts; a series may end with rows that have them and no value (its future). The other covariate columns are past covariates, read up to the forecast's origin.")
    List<String> future = new ArrayList<>();

    @Option(names = "--ets-inputs", paramLabel = "WHEN", defaultValue = "auto",
            description = "Whether the network also reads ETS's forecasts of the next H values at every step (where ETS takes the period): auto (default: an ensemble with them and one without, each frequency group forecast by the one whose forecast scores better on the group's validation parts), on, off.")
    EtsInputs etsInputs;

    /** The values of {@code --ets-inputs}. */
    enum EtsInputs { auto, on, off }

    /** Set by {@code ./lstm forecast} when it runs this command on a panel of one series: where it read the series. */
    ForecastData.Source single;

    @Option(names = "--calendar", description = "Add the calendar as a known-ahead covariate: the season's position (month, quarter, or t mod period) as sin and cos.")
    boolean calendar;

    /**
     * Everything a panel run was made with.
     *
     * @param panel   the panel's file or folder ({@code null}: the bundled panel)
     * @param members K, networks in the ensemble (seeds seed … seed + K − 1)
     * @param future   the covariates known ahead ({@code --future}); the panel's other covariate columns are past ones
     * @param calendar whether the calendar is a known-ahead covariate too
     * @param etsInputs whether the network reads ETS's forecasts: on, off, or auto (both, chosen per group on validation)
     * @param source   for a panel of one made by {@code ./lstm forecast} from a series: where that series was read (null
     *                 for a {@code --panel} run)
     */
    public record PanelConfig(String panel, int horizon, Integer period, int window, int members, int epochs, int stepsPerEpoch,
                              int batchSize, int patience, int hidden, int layers, double dropout, double learningRate, long seed,
                              LstmImpl lstm, CellType cell, List<String> future, boolean calendar, EtsInputs etsInputs,
                              ForecastData.Source source) {
        public PanelConfig {
            future = future == null ? List.of() : List.copyOf(future);
            etsInputs = etsInputs == null ? EtsInputs.off : etsInputs;
        }
    }

    /**
     * One series' place in the evaluation: its rows {@code [0, trainEnd)} train, {@code [trainEnd, valEnd)} validate (may
     * be empty), {@code [valEnd, n)} test.
     */
    record Part(PanelData.Series series, int trainEnd, int valEnd) {
        int n() {
            return series.length();
        }

        String group() {
            return ForecastPanel.group(series.period());
        }
    }

    /** The frequency group of a period: the panel's table has a block per group, and each group chooses its ensemble. */
    static String group(int period) {
        return switch (period) {
            case 12 -> "monthly";
            case 4 -> "quarterly";
            case 1 -> "yearly or non-seasonal";
            default -> "period " + period;
        };
    }

    /**
     * One series' scores: MASE and sMAPE per method, and how many of its test values ({@code points}: origins × steps)
     * the panel forecast's intervals held, per level ({@code covered}).
     */
    public record SeriesScores(String name, int period, int trainRows, int testRows, Map<String, ForecastMetrics.Scores> scores,
                               int[] covered, int points) {
    }

    /** Mean sMAPE, mean MASE and OWA of one method over a group of series. */
    public record Aggregate(double meanSmape, double meanMase, double owa) {
    }

    /**
     * What the command returns: the run folder, the aggregates per group ("all" first) and method, the coverage of the
     * panel forecast's 80 % and 95 % intervals per group, each series' scores.
     */
    public record PanelResult(Path runDir, Path model, Map<String, Map<String, Aggregate>> groups, Map<String, double[]> coverage,
                              List<SeriesScores> series, double wallSeconds, boolean interrupted) {
    }

    @Override
    public PanelResult call() throws Exception {
        int threads = NativeSetup.apply(common.threads);
        int k = members != null ? members : common.quick ? 2 : 5;
        List<String> parts = new ArrayList<>();
        for (boolean withEts : variants(etsInputs)) {
            IntStream.rangeClosed(1, Math.max(1, k)).mapToObj(i -> part(withEts, i - 1)).forEach(parts::add);
        }
        PanelData.Panel[] read = new PanelData.Panel[1];    // a fresh run reads and checks the panel before its folder exists
        try (TrainingRun<PanelConfig> run = TrainingRun.start(ForecastApp.APP, TrainingRun.Options.of(common), PanelConfig.class,
                () -> {
                    PanelConfig c = configure(k);
                    read[0] = read(c);
                    return c;
                }, stored -> stored, parts)) {
            PanelConfig cfg = run.config();
            int h = cfg.horizon();
            int w = cfg.window();

            // ---- data: every series split in time, put on the common scale by its training part
            PanelData.Panel data = read[0] != null ? read[0] : read(cfg);
            List<Part> split = data.series().stream().map(s -> split(s, h)).toList();
            int past = data.covariates().size() - cfg.future().size();
            int known = cfg.future().size() + (cfg.calendar() ? 2 : 0);
            String source = cfg.source() != null ? seriesSource(cfg.source(), data.source()) : data.source();
            printPanel(source, cfg.source() != null, split, h);
            if (past + known > 0) {
                System.out.printf("covariates: past %s; known ahead %s%n",
                        data.covariates().stream().filter(c -> !cfg.future().contains(c)).toList(),
                        java.util.stream.Stream.concat(cfg.future().stream(), cfg.calendar() ? java.util.stream.Stream.of("calendar (sin, cos)")
                                : java.util.stream.Stream.empty()).toList());
            }
            double[] scale = split.stream().mapToDouble(p -> ForecastMetrics.maseScale(p.series().values(), p.trainEnd(),
                    p.series().period())).toArray();

            // ---- one ensemble per kind of input (with and without ETS's forecasts; --ets-inputs): K networks each,
            // trained on windows across the series, each stopped early on the validation MASE, then refitted
            List<Ensemble> ensembles = new ArrayList<>();
            List<TrainState> trained = new ArrayList<>();
            for (boolean withEts : variants(cfg.etsInputs())) {
                Ensemble e = train(run, cfg, data, split, scale, withEts, threads, trained);
                if (e == null) {
                    return new PanelResult(run.runDir(), null, Map.of(), Map.of(), List.of(), run.seconds(), true);
                }
                ensembles.add(e);
            }

            // ---- each frequency group forecast by the ensemble whose forecast (with ETS) scores better on the group's
            // validation parts: the test part is not looked at
            Map<String, Ensemble> chosen = choose(ensembles, split, scale, w, h);
            List<List<MultiLayerNetwork>> nets = new ArrayList<>();
            List<List<MultiLayerNetwork>> validators = new ArrayList<>();
            List<PanelModel.Encoding> enc = new ArrayList<>();
            for (int i = 0; i < split.size(); i++) {
                Ensemble e = chosen.getOrDefault(split.get(i).group(), ensembles.get(0));
                nets.add(e.nets());
                validators.add(e.validators());
                enc.add(e.enc().get(i));
            }

            // ---- intervals for the panel's forecast from its errors on the validation parts
            PanelIntervals intervals = PanelIntervals.fit(split, enc, validators, w, h);

            // ---- the test part of every series: the ensemble and the peers from the same origins
            List<SeriesScores> rows = new ArrayList<>();
            Map<String, double[][]> firstForecasts = new LinkedHashMap<>();
            for (int i = 0; i < split.size(); i++) {
                rows.add(score(split.get(i), nets.get(i), enc.get(i), intervals, w, h, scale[i], firstForecasts));
            }
            Map<String, Map<String, Aggregate>> groups = aggregate(split, rows);
            Map<String, double[]> coverage = coverage(split, rows);
            String table = table(groups, coverage, cfg.members());
            System.out.print(table);
            charts(run.runDir(), split, rows, firstForecasts, h);
            Path ahead = writeForecasts(run.runDir().resolve("panel_forecasts.csv"), split, nets, enc, intervals, w, h);

            // ---- the model file: the ensembles some group chose, with the intervals (evaluate, predict, serve read it)
            List<Ensemble> kept = ensembles.stream().filter(e -> chosen.values().stream().anyMatch(c -> c == e)).toList();
            List<PanelForecaster.SavedEnsemble> savedEnsembles = kept.stream().map(e -> new PanelForecaster.SavedEnsemble(e.withEts(),
                    chosen.entrySet().stream().filter(c -> c.getValue() == e).map(Map.Entry::getKey).toList(), e.nets().size())).toList();
            Path model = PanelForecaster.save(run.runDir().resolve("model.zip"), new PanelForecaster.Saved(cfg,
                    data.series().get(0).period(), data.covariates(), savedEnsembles, intervals == null ? null : intervals.quantiles()),
                    kept.stream().map(Ensemble::nets).toList());

            RunSummary summary = run.summary(trained, cfg.seed());
            Map<String, Aggregate> all = groups.get("all");
            Map<String, ForecastMetrics.Scores> one = rows.get(0).scores();
            summary.headline = rows.size() == 1
                    ? String.format("%s: test MASE LSTM+ETS %.3f, LSTM %.3f (ETS %.3f, Theta %.3f, seasonal naive %.3f)", rows.get(0).name(),
                            one.get("lstm+ets").mase(), one.get("lstm").mase(), one.get("ets").mase(), one.get("theta").mase(),
                            one.get("seasonal_naive").mase())
                    : String.format("panel of %d series: OWA LSTM %.3f, LSTM+ETS %.3f (ETS %.3f, Theta %.3f); mean MASE LSTM %.3f, LSTM+ETS %.3f (ETS %.3f)",
                    rows.size(), all.get("lstm").owa(), all.get("lstm+ets").owa(), all.get("ets").owa(), all.get("theta").owa(),
                    all.get("lstm").meanMase(), all.get("lstm+ets").meanMase(), all.get("ets").meanMase());
            summary.data.put(cfg.source() != null ? "series" : "panel", source);
            Map<String, String> inputs = new LinkedHashMap<>();
            chosen.forEach((g, e) -> inputs.put(g, e.withEts() ? "with ETS's forecasts" : "without"));
            summary.metrics.put("inputs by group", inputs);
            for (String method : METHODS) {
                Aggregate a = groups.get("all").get(method);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("mean_smape", a.meanSmape());
                m.put("mean_mase", a.meanMase());
                m.put("owa", a.owa());
                summary.metrics.put(method, m);
            }
            summary.metrics.put("panel table", table);
            List<Map<String, Object>> series = new ArrayList<>();
            for (SeriesScores r : rows) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", r.name());
                s.put("period", r.period());
                s.put("train_rows", r.trainRows());
                s.put("test_rows", r.testRows());
                Map<String, Double> mase = new LinkedHashMap<>();
                Map<String, Double> smape = new LinkedHashMap<>();
                r.scores().forEach((m, v) -> {
                    mase.put(m, v.mase());
                    smape.put(m, v.smape());
                });
                s.put("mase", mase);
                s.put("smape", smape);
                series.add(s);
            }
            Map<String, Object> byGroup = new LinkedHashMap<>();
            groups.forEach((g, methods) -> {
                Map<String, Object> ms = new LinkedHashMap<>();
                methods.forEach((m, a) -> ms.put(m, Map.of("mean_smape", a.meanSmape(), "mean_mase", a.meanMase(), "owa", a.owa())));
                double[] c = coverage.get(g);
                if (c != null) {
                    ms.put("intervals", Map.of("coverage_80", c[0], "coverage_95", c[1]));
                }
                byGroup.put(g, ms);
            });
            summary.data.put("series_count", String.valueOf(rows.size()));
            summary.metrics.put("series", series);
            summary.metrics.put("groups", byGroup);
            summary.write(run.runDir().resolve("summary.json"));
            System.out.printf("%nthe next %d values of every series: %s%nmodel: %s%nrun folder: %s   wall %s%n", h, ahead.toAbsolutePath().normalize(),
                    model.toAbsolutePath().normalize(), run.runDir().toAbsolutePath().normalize(), Progress.formatSeconds(summary.wallSeconds));
            return new PanelResult(run.runDir(), model, groups, coverage, rows, summary.wallSeconds, false);
        }
    }

    /**
     * One series' test part: the ensemble {@code nets} on its encoding {@code enc}, the panel's forecast (with ETS) and its
     * intervals, and every peer, from the same origins, MASE scaled by {@code scale}; the LSTM's and ETS's forecasts go
     * into {@code first} (for the charts) under "name/lstm" and "name/ets".
     */
    static SeriesScores score(Part p, List<MultiLayerNetwork> nets, PanelModel.Encoding enc, PanelIntervals intervals, int w, int h,
                              double scale, Map<String, double[][]> first) {
        TimeSeries ts = TimeSeries.of(p.series().name(), p.series().values());
        int m = p.series().period();
        List<Forecaster> methods = List.of(new PanelModel.EnsembleForecaster(nets, enc, w),
                new Ets(m, 1), new Theta(m), Baselines.naive2(m), Baselines.seasonalNaive(m), Baselines.naive());
        Map<String, ForecastMetrics.Scores> sc = new LinkedHashMap<>();
        Map<String, RollingOrigin.Result> results = new LinkedHashMap<>();
        for (Forecaster f : methods) {
            RollingOrigin.Result r = RollingOrigin.evaluate(f, ts, p.valEnd(), p.n(), h, scale);
            results.put(f.name(), r);
            if (f.name().equals("lstm") || f.name().equals("ets")) {
                first.put(p.series().name() + "/" + f.name(), r.predicted());
            }
        }
        // the combination: the mean of the LSTM ensemble's and ETS's forecasts where ETS takes the period
        RollingOrigin.Result l = results.get("lstm");
        double[][] both = combined(m, l.predicted(), results.get("ets").predicted());
        sc.put("lstm", l.scores());
        sc.put("lstm+ets", RollingOrigin.of("lstm+ets", p.series().values(), l.origins(), both, scale).scores());
        results.forEach((name, r) -> sc.putIfAbsent(name, r.scores()));
        int[] covered = new int[PanelIntervals.LEVELS.length];
        for (int j = 0; intervals != null && j < l.origins().length; j++) {
            double[][] b = intervals.bounds(enc, m, l.origins()[j], both[j]);
            for (int step = 0; step < h; step++) {
                double a = l.actual()[j][step];
                for (int lv = 0; lv < covered.length; lv++) {
                    covered[lv] += a >= b[step][2 * lv] && a <= b[step][2 * lv + 1] ? 1 : 0;
                }
            }
        }
        return new SeriesScores(p.series().name(), m, p.trainEnd(), p.n() - p.valEnd(), sc, covered,
                intervals == null ? 0 : l.origins().length * h);
    }

    /**
     * One ensemble: whether its networks read ETS's forecasts, each series' encoding for it, its members before their
     * refit (for validation and the intervals) and after it (for the test part and the future).
     */
    record Ensemble(boolean withEts, List<PanelModel.Encoding> enc, List<MultiLayerNetwork> validators, List<MultiLayerNetwork> nets) {
    }

    /** The kinds of input {@code --ets-inputs} asks for: without ETS's forecasts, with them, or both (auto). */
    static List<Boolean> variants(EtsInputs e) {
        return switch (e) {
            case auto -> List.of(false, true);
            case on -> List.of(true);
            case off -> List.of(false);
        };
    }

    /** The checkpoint folder of member {@code m} (from 0) of the ensemble with or without ETS's forecasts. */
    static String part(boolean withEts, int m) {
        return (withEts ? "ets-member-" : "member-") + (m + 1);
    }

    /** Trains one ensemble (K members, each stopped early, then refitted); null when the run was interrupted. */
    private Ensemble train(TrainingRun<PanelConfig> run, PanelConfig cfg, PanelData.Panel data, List<Part> split, double[] scale,
                           boolean withEts, int threads, List<TrainState> trained) throws InterruptedException {
        int h = cfg.horizon();
        int w = cfg.window();
        int etsH = withEts ? h : 0;
        List<PanelModel.Encoding> enc = split.stream().map(p -> PanelModel.Encoding.fit(p.series().values(), p.trainEnd(),
                p.series().period(), etsH, PanelModel.Inputs.of(p.series(), data.covariates(), cfg.future(), cfg.calendar(), p.trainEnd(), h)))
                .toList();
        int channels = enc.get(0).channels(h);
        Limits.checkRecurrent(channels, cfg.hidden(), cfg.layers(), h, h);
        List<PanelModel.Prepared> prepared = new ArrayList<>();
        List<PanelModel.Prepared> preparedAll = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            Part p = split.get(i);
            prepared.add(new PanelModel.Prepared(enc.get(i), p.trainEnd() - 1 - h));
            preparedAll.add(new PanelModel.Prepared(enc.get(i), p.valEnd() - 1 - h));   // for the refit
        }
        List<MultiLayerNetwork> nets = new ArrayList<>();
        List<MultiLayerNetwork> validators = new ArrayList<>();
        String kind = withEts ? "with ETS's forecasts as inputs" : "without ETS's forecasts as inputs";
        for (int m = 0; m < cfg.members(); m++) {
            long seed = cfg.seed() + m;
            ForecastModel.Config mc = new ForecastModel.Config(channels, h, cfg.hidden(), cfg.layers(),
                    cfg.dropout(), cfg.learningRate(), seed, cfg.lstm(), cfg.cell());
            PanelModel.PanelBatches batches = new PanelModel.PanelBatches(prepared, w, h, cfg.batchSize(), cfg.stepsPerEpoch(), seed);
            if (m == 0) {
                System.out.printf("%nensemble %s: %s (%,d parameters, %d input channels), window %d; %d series give training windows, %d × %d per epoch, %d thread(s); %d member(s)%n",
                        kind, ForecastModel.describe(mc), ForecastModel.build(mc).numParams(), channels, w, batches.series(),
                        cfg.stepsPerEpoch(), cfg.batchSize(), threads, cfg.members());
            }
            System.out.printf("%nmember %d of %d (seed %d), %s%n", m + 1, cfg.members(), seed, kind);
            String part = part(withEts, m);
            Trainer.Result<MultiLayerNetwork> fit = run.fitIn(part, ForecastModel.build(mc), batches,
                    n -> new TreeMap<>(Map.of("val_mase", validationMase(List.of(n), split, enc, scale, w, h))),
                    cfg.epochs(), seed, "val_mase", false, cfg.patience());
            if (fit.interrupted()) {
                return null;
            }
            trained.add(fit.state());
            validators.add(fit.network());
            // the same network trained afresh on training and validation values, for the epochs that were best:
            // the statistical peers are fitted on everything before the test part too
            int epochs = Math.max(1, fit.state().bestEpoch);
            System.out.printf("member %d: refitted on training and validation values, %d epoch(s)%n", m + 1, epochs);
            Trainer.Result<MultiLayerNetwork> refit = run.fitIn(part + "-refit", ForecastModel.build(mc),
                    new PanelModel.PanelBatches(preparedAll, w, h, cfg.batchSize(), cfg.stepsPerEpoch(), seed), null, epochs, seed,
                    null, false, 0);
            if (refit.interrupted()) {
                return null;
            }
            nets.add(refit.network());
        }
        return new Ensemble(withEts, enc, validators, nets);
    }

    /**
     * For each frequency group, the ensemble whose forecast with ETS ({@link #combined}, as the panel forecasts) has the
     * lower OWA over the group's validation parts (ETS fitted before them, the members before their refit); a group
     * without a validation part takes the first ensemble. With one ensemble, every group takes it.
     */
    static Map<String, Ensemble> choose(List<Ensemble> ensembles, List<Part> split, double[] scale, int w, int h) {
        Map<String, Ensemble> out = new LinkedHashMap<>();
        if (ensembles.size() == 1) {
            split.forEach(p -> out.put(p.group(), ensembles.get(0)));
            return out;
        }
        Map<String, double[][]> sums = new LinkedHashMap<>();          // group → per ensemble {mase, smape}, and naive2's
        for (int i = 0; i < split.size(); i++) {
            Part p = split.get(i);
            if (p.valEnd() - p.trainEnd() < h) {
                continue;
            }
            int m = p.series().period();
            TimeSeries ts = TimeSeries.of(p.series().name(), p.series().values());
            double[][] g = sums.computeIfAbsent(p.group(), x -> new double[ensembles.size() + 1][2]);
            RollingOrigin.Result ets = RollingOrigin.evaluate(new Ets(m, 1), ts, p.trainEnd(), p.valEnd(), h, scale[i]);
            RollingOrigin.Result n2 = RollingOrigin.evaluate(Baselines.naive2(m), ts, p.trainEnd(), p.valEnd(), h, scale[i]);
            g[ensembles.size()][0] += n2.scores().mase();
            g[ensembles.size()][1] += n2.scores().smape();
            for (int e = 0; e < ensembles.size(); e++) {
                RollingOrigin.Result l = RollingOrigin.evaluate(new PanelModel.EnsembleForecaster(ensembles.get(e).validators(),
                        ensembles.get(e).enc().get(i), w), ts, p.trainEnd(), p.valEnd(), h, scale[i]);
                ForecastMetrics.Scores c = RollingOrigin.of("lstm+ets", p.series().values(), l.origins(),
                        combined(m, l.predicted(), ets.predicted()), scale[i]).scores();
                g[e][0] += c.mase();
                g[e][1] += c.smape();
            }
        }
        System.out.printf("%ninputs chosen per group by the validation OWA of lstm+ets:%n");
        for (Part p : split) {
            String group = p.group();
            if (out.containsKey(group)) {
                continue;
            }
            double[][] g = sums.get(group);
            if (g == null) {
                out.put(group, ensembles.get(0));
                System.out.printf("  %-24s no validation part: %s%n", group, ensembles.get(0).withEts() ? "with ETS's forecasts" : "without");
                continue;
            }
            double[] owa = new double[ensembles.size()];
            int best = 0;
            for (int e = 0; e < owa.length; e++) {
                owa[e] = 0.5 * (g[e][0] / g[owa.length][0] + g[e][1] / g[owa.length][1]);
                best = owa[e] < owa[best] ? e : best;
            }
            out.put(group, ensembles.get(best));
            StringBuilder sb = new StringBuilder();
            for (int e = 0; e < owa.length; e++) {
                sb.append(e == 0 ? "" : ", ").append(ensembles.get(e).withEts() ? "with ETS's forecasts " : "without ").append(String.format("%.3f", owa[e]));
            }
            System.out.printf("  %-24s %s → %s%n", group, sb, ensembles.get(best).withEts() ? "with" : "without");
        }
        return out;
    }

    /** The panel of {@code cfg}, each series checked long enough for its horizon. */
    private static PanelData.Panel read(PanelConfig cfg) {
        PanelData.Panel data = PanelData.read(PanelData.resolve(cfg.panel() == null ? null : Path.of(cfg.panel())), cfg.period(),
                cfg.future());
        if (data.series().isEmpty()) {
            throw new UserException("--panel " + data.source() + ": no series in it");
        }
        data.series().forEach(s -> split(s, cfg.horizon()));
        return data;
    }

    /** The run's configuration from the flags and the defaults. */
    private PanelConfig configure(int k) {
        boolean quick = common.quick;
        int h = requireNonNullElse(horizon, 12);
        int w = requireNonNullElse(window, 24);
        if (h < 1 || w < 2 || k < 1) {
            throw new UserException("--horizon and --members must be at least 1 and --window at least 2, got " + h + ", " + k + " and " + w);
        }
        if (period != null && period < 1) {
            throw new UserException("--period must be at least 1, got " + period);
        }
        int steps = requireNonNullElse(stepsPerEpoch, quick ? 10 : 50);
        if (steps < 1) {
            throw new UserException("--steps-per-epoch must be at least 1, got " + steps);
        }
        int hid = shape.hidden(quick ? 16 : 64);
        int lay = shape.layers(1);
        Limits.checkRecurrent(PanelModel.CHANNELS, hid, lay, h, h);
        return new PanelConfig(panel == null || panel.isEmpty() ? null : panel, h, period, w, k, common.epochs(quick ? 2 : 30), steps,
                common.batchSize(64), shape.patience(6), hid, lay, shape.dropout(0.0), common.learningRate(0.003), common.seed,
                common.lstm(), common.cell, future, calendar, etsInputs, single);
    }

    /**
     * The last 2H values test; the 2H before them validate; the rest trains. A series too short for that validates on H
     * values, then on none (its test origins still count), and then tests on H; shorter still is an error naming it.
     */
    static Part split(PanelData.Series s, int h) {
        int n = s.length();
        int minTrain = minTrain(s.period(), h);
        int[][] plans = {{2 * h, 2 * h}, {2 * h, h}, {2 * h, 0}, {h, 0}};    // {test, validation}
        for (int[] plan : plans) {
            int valEnd = n - plan[0];
            int trainEnd = valEnd - plan[1];
            if (trainEnd >= minTrain && trainEnd > s.period()) {
                return new Part(s, trainEnd, valEnd);
            }
        }
        throw new UserException("series " + s.name() + ": " + n + " values are too few for horizon " + h + " with period "
                + s.period() + " (it needs " + minLength(s.period(), h) + ": " + (minLength(s.period(), h) - h) + " to fit on and " + h + " to test)");
    }

    /** The fewest values a series of period {@code m} needs to fit on, before its test part. */
    private static int minTrain(int m, int h) {
        return Math.max(Math.max(2 * Math.min(m, 24), Math.max(h, 8)) + 1, m + 1);
    }

    /** The fewest values a series of period {@code m} needs for horizon {@code h}: {@link #split}'s shortest plan. */
    static int minLength(int m, int h) {
        return minTrain(m, h) + h;
    }

    /**
     * The geometric mean, over the series that have a validation part, of their validation MASE: one series whose scale
     * explodes (a hyperinflation's price index) would otherwise decide every early stop alone.
     */
    static double validationMase(List<MultiLayerNetwork> nets, List<Part> split, List<PanelModel.Encoding> enc, double[] scale,
                                 int w, int h) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < split.size(); i++) {
            Part p = split.get(i);
            if (p.valEnd() - p.trainEnd() < h) {
                continue;
            }
            TimeSeries ts = TimeSeries.of(p.series().name(), p.series().values());
            sum += Math.log(RollingOrigin.evaluate(new PanelModel.EnsembleForecaster(nets, enc.get(i), w), ts, p.trainEnd(), p.valEnd(), h,
                    scale[i]).scores().mase());
            count++;
        }
        return count == 0 ? Double.NaN : Math.exp(sum / count);
    }

    /** The series of each group, labelled as the tables show them: "all", then each frequency with its count. */
    private static Map<String, List<SeriesScores>> byGroup(List<Part> split, List<SeriesScores> rows) {
        Map<String, List<SeriesScores>> byGroup = new LinkedHashMap<>();
        byGroup.put("all", rows);
        for (int i = 0; i < rows.size(); i++) {
            byGroup.computeIfAbsent(split.get(i).group(), g -> new ArrayList<>()).add(rows.get(i));
        }
        Map<String, List<SeriesScores>> out = new LinkedHashMap<>();
        byGroup.forEach((g, rs) -> out.put(g + (g.equals("all") ? "" : " (" + rs.size() + ")"), rs));
        return out;
    }

    /** Per group, the fraction of its test values inside the panel forecast's 80 % and 95 % intervals (none without intervals). */
    static Map<String, double[]> coverage(List<Part> split, List<SeriesScores> rows) {
        Map<String, double[]> out = new LinkedHashMap<>();
        byGroup(split, rows).forEach((g, rs) -> {
            int points = rs.stream().mapToInt(SeriesScores::points).sum();
            if (points > 0) {
                double[] c = new double[PanelIntervals.LEVELS.length];
                for (int l = 0; l < c.length; l++) {
                    int level = l;
                    c[l] = rs.stream().mapToInt(r -> r.covered()[level]).sum() / (double) points;
                }
                out.put(g, c);
            }
        });
        return out;
    }

    /** M4's aggregates, over all series and per frequency group: mean sMAPE, mean MASE, OWA relative to Naive2. */
    static Map<String, Map<String, Aggregate>> aggregate(List<Part> split, List<SeriesScores> rows) {
        Map<String, Map<String, Aggregate>> out = new LinkedHashMap<>();
        byGroup(split, rows).forEach((g, rs) -> {
            Map<String, double[]> means = new LinkedHashMap<>();
            for (String m : METHODS) {
                double smape = rs.stream().mapToDouble(r -> r.scores().get(m).smape()).average().orElse(Double.NaN);
                double mase = rs.stream().mapToDouble(r -> r.scores().get(m).mase()).average().orElse(Double.NaN);
                means.put(m, new double[] {smape, mase});
            }
            double[] n2 = means.get("naive2");
            Map<String, Aggregate> a = new LinkedHashMap<>();
            means.forEach((m, v) -> a.put(m, new Aggregate(v[0], v[1], 0.5 * (v[0] / n2[0] + v[1] / n2[1]))));
            out.put(g, a);
        });
        return out;
    }

    static String table(Map<String, Map<String, Aggregate>> groups, Map<String, double[]> coverage, int members) {
        StringBuilder sb = new StringBuilder();
        groups.forEach((g, methods) -> {
            if (g.equals("all") && groups.size() == 2) {
                return;                                  // one group: its block says it all
            }
            sb.append(String.format("%n%s%n%-22s %11s %10s %7s%n", g.equals("all") ? "all series" : g, "method", "mean sMAPE", "mean MASE", "OWA"));
            methods.forEach((m, a) -> sb.append(String.format("%-22s %11.2f %10.3f %7.3f%n",
                    m.equals("lstm") ? "lstm (median of " + members + ")" : m, a.meanSmape(), a.meanMase(), a.owa())));
            double[] c = coverage.get(g);
            if (c != null) {
                sb.append(String.format("lstm+ets intervals: 80%% cover %.1f%%, 95%% cover %.1f%% of the test values%n", 100 * c[0], 100 * c[1]));
            }
        });
        return sb.toString();
    }

    /** Where a series forecast as a panel of one was read (the bundled file or the user's CSV), else {@code fallback}. */
    private static String seriesSource(ForecastData.Source src, String fallback) {
        try {
            return ForecastData.load(src).source();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static void printPanel(String source, boolean one, List<Part> split, int h) {
        Map<String, Integer> groups = new TreeMap<>();
        split.forEach(p -> groups.merge(p.group(), 1, Integer::sum));
        if (one) {
            System.out.printf("series: %s — the panel model on one series, horizon %d%n", source, h);
        } else {
            System.out.printf("panel: %s — %d series (%s), horizon %d%n", source, split.size(),
                    groups.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((a, b) -> a + ", " + b).orElse(""), h);
        }
        System.out.println("each series: train | validation | test = the last 2 × horizon values (shorter series: less validation)");
        for (Part p : split) {
            System.out.printf("  %-24s period %3d (%s)  %5d | %4d | %3d%n", p.series().name(), p.series().period(), p.series().periodFrom(),
                    p.trainEnd(), p.valEnd() - p.trainEnd(), p.n() - p.valEnd());
        }
    }

    /**
     * The forecasts a user wants from a panel: the H values after the end of every series, from the same ensemble (its
     * scales and seasonal states run on through the test part, no network retrained), with ETS's (fitted on the whole
     * series), the panel's forecast ({@link #combined}) and its 80 % and 95 % intervals, in
     * {@code series,time,step,lstm,lstm+ets,ets,lo80,hi80,lo95,hi95} rows; times continue each series' labels.
     */
    static Path writeForecasts(Path file, List<Part> split, List<List<MultiLayerNetwork>> nets, List<PanelModel.Encoding> enc,
                               PanelIntervals intervals, int w, int h) {
        StringBuilder sb = new StringBuilder("series,time,step,lstm,lstm+ets,ets,lo80,hi80,lo95,hi95\n");
        for (int i = 0; i < split.size(); i++) {
            PanelData.Series s = split.get(i).series();
            if (!enc.get(i).inputs.knownAhead(s.length() - 1, h)) {
                System.out.printf("note: %s: no forecast after its end in the file: its known-ahead covariates need %d future rows (rows after the last value, value empty), it has %d%n",
                        s.name(), h, s.futureRows());
                continue;
            }
            TimeSeries ts = new TimeSeries(s.name(), "value", "time", s.times(), s.values(), List.of(), new double[0][]);
            int[] last = {s.length() - 1};
            double[] lstm = new PanelModel.EnsembleForecaster(nets.get(i), enc.get(i), w).forecast(ts, last, h)[0];
            double[] ets = new Ets(s.period(), 1).forecast(ts, last, h)[0];
            String[] times = ts.futureLabels(h);
            double[] both = combined(s.period(), new double[][] {lstm}, new double[][] {ets})[0];
            double[][] b = intervals == null ? null : intervals.bounds(enc.get(i), s.period(), last[0], both);
            for (int k = 0; k < h; k++) {
                sb.append(csv(s.name())).append(',').append(csv(times[k])).append(',').append(k + 1).append(',')
                        .append(num(lstm[k])).append(',').append(num(both[k])).append(',').append(num(ets[k]));
                for (int c = 0; c < 4; c++) {
                    sb.append(',').append(b == null ? "" : num(b[k][c]));
                }
                sb.append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
        return file;
    }

    private static String num(double v) {
        return String.format(java.util.Locale.ROOT, "%.6g", v);
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** The three series where the LSTM does best and worst against ETS: history, actuals, both forecasts from the first test origin. */
    private static void charts(Path runDir, List<Part> split, List<SeriesScores> rows, Map<String, double[][]> first, int h) {
        List<Integer> order = IntStream.range(0, rows.size()).boxed().sorted(Comparator.comparingDouble(
                i -> rows.get(i).scores().get("lstm").mase() / rows.get(i).scores().get("ets").mase())).toList();
        List<Integer> picks = new ArrayList<>();
        for (int j = 0; j < Math.min(3, order.size()); j++) {
            picks.add(order.get(j));
        }
        for (int j = Math.max(3, order.size() - 3); j < order.size(); j++) {
            picks.add(order.get(j));
        }
        for (int rank = 0; rank < picks.size(); rank++) {
            int i = picks.get(rank);
            Part p = split.get(i);
            double[] y = p.series().values();
            int o = p.valEnd() - 1;
            int from = Math.max(0, o + 1 - Math.max(4 * h, 3 * Math.min(p.series().period(), 48)));
            List<Charts.Line> lines = new ArrayList<>();
            lines.add(new Charts.Line("history", range(from, o + 1), slice(y, from, o + 1), Color.DARK_GRAY, false));
            lines.add(new Charts.Line("actual (test)", range(o + 1, p.n()), slice(y, o + 1, p.n()), Color.BLACK, false));
            double[] x = range(o + 1, o + 1 + h);
            lines.add(new Charts.Line("LSTM (panel)", x, first.get(p.series().name() + "/lstm")[0], new Color(31, 119, 180), false));
            lines.add(new Charts.Line("ETS", x, first.get(p.series().name() + "/ets")[0], new Color(214, 39, 40), true));
            double[] both = combined(p.series().period(), first.get(p.series().name() + "/lstm"), first.get(p.series().name() + "/ets"))[0];
            lines.add(new Charts.Line("LSTM+ETS (the forecast)", x, both, new Color(44, 160, 44), false));
            SeriesScores s = rows.get(i);
            String kind = rank < Math.min(3, order.size()) ? "best" : "worst";
            String[] t = p.series().times();
            Charts.lines(runDir.resolve(split.size() == 1 ? "forecast.png" : String.format("panel-%s-%d-%s.png", kind,
                            kind.equals("best") ? rank + 1 : picks.size() - rank, p.series().name())),
                    split.size() == 1
                            ? String.format("%s, from the first test origin: test MASE LSTM+ETS %.2f, LSTM %.2f, ETS %.2f, Theta %.2f",
                            p.series().name(), s.scores().get("lstm+ets").mase(), s.scores().get("lstm").mase(), s.scores().get("ets").mase(),
                            s.scores().get("theta").mase())
                            : String.format("%s (%s vs ETS): test MASE LSTM %.2f, LSTM+ETS %.2f, ETS %.2f, Theta %.2f", p.series().name(), kind,
                            s.scores().get("lstm").mase(), s.scores().get("lstm+ets").mase(), s.scores().get("ets").mase(),
                            s.scores().get("theta").mase()),
                    "time", "value", lines, at -> {
                        int row = (int) Math.round(at) - 1;
                        return row >= 0 && row < t.length ? t[row] : "";
                    });
        }
    }

    /**
     * The panel's forecast ({@code lstm+ets}): the mean of the LSTM ensemble's and ETS's forecasts for a series whose
     * period ETS takes ({@link Ets#MAX_PERIOD}); the LSTM's alone for a longer period, where ETS fits no season.
     */
    static double[][] combined(int period, double[][] lstm, double[][] ets) {
        return period <= Ets.MAX_PERIOD ? mean(lstm, ets) : lstm;
    }

    /** The mean of two forecasts, origin by origin and step by step. */
    static double[][] mean(double[][] a, double[][] b) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int k = 0; k < a[i].length; k++) {
                out[i][k] = 0.5 * (a[i][k] + b[i][k]);
            }
        }
        return out;
    }

    private static double[] range(int from, int to) {
        return IntStream.range(from, to).mapToDouble(i -> i + 1).toArray();
    }

    private static double[] slice(double[] y, int from, int to) {
        return java.util.Arrays.copyOfRange(y, from, to);
    }
}
