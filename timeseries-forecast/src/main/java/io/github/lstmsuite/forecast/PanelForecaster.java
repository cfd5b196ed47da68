package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.ForecastMetrics;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.common.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The panel model ({@code ./lstm forecast}, {@code ./lstm forecast --panel}) as its {@code model.zip} holds it, and its
 * forecasts for a series: the ensemble for the series' frequency group (the median of its members), ETS fitted on the
 * series, their mean where ETS takes the period ({@code lstm+ets}, the panel's forecast) and the conformal intervals.
 *
 * <p><b>The file.</b> DL4J's part of the zip ({@code configuration.json}, {@code coefficients.bin}) is the first member
 * of the first ensemble, so DL4J's {@code ModelSerializer} still reads it as one network; the suite's entries hold the
 * run's configuration with the interval quantiles ({@code lstm-suite/config.json}) and, per ensemble, its network
 * configuration and each member's parameters ({@code lstm-suite/ensemble-E/configuration.json},
 * {@code lstm-suite/ensemble-E/member-J.params}: ND4J's array format, base64). Nothing in it is Java-deserialised.
 *
 * <p><b>A series' scale</b> is fitted as in training: on the part before its last 4 × H values (the split the panel
 * command makes, {@link ForecastPanel#split}), so the series the model was trained on gets exactly the encoding it had,
 * and the forecast after its end equals the run's {@code panel_forecasts.csv}.
 */
final class PanelForecaster {
    /**
     * What {@code lstm-suite/config.json} holds for a panel model.
     *
     * @param run        the panel run's configuration
     * @param period     the period a series is given when none is said: the first series' of the panel
     * @param covariates the panel's covariate columns, in order ({@code run.future()} of them known ahead)
     * @param ensembles  the ensembles kept: those some frequency group chose
     * @param intervals  the conformal quantiles, or null when no series had a validation part
     */
    record Saved(ForecastPanel.PanelConfig run, int period, List<String> covariates, List<SavedEnsemble> ensembles,
                 PanelIntervals.Quantiles intervals) {
    }

    /** One ensemble in the file: whether it reads ETS's forecasts, the groups that chose it, how many members. */
    record SavedEnsemble(boolean withEts, List<String> groups, int members) {
    }

    private final Path path;
    private final Saved saved;
    private final List<List<MultiLayerNetwork>> nets;
    private final PanelIntervals intervals;

    private PanelForecaster(Path path, Saved saved, List<List<MultiLayerNetwork>> nets) {
        this.path = path;
        this.saved = saved;
        this.nets = nets;
        this.intervals = PanelIntervals.of(saved.intervals());
    }

    /** Whether {@code zip}'s stored configuration is a panel model's. */
    static boolean isPanel(Path zip) {
        String json = ModelZip.readEntry(zip, Trainer.CONFIG_ENTRY);
        return json != null && json.contains("\"ensembles\"");
    }

    /** Writes the model file: {@code ensembles.get(e)} are the networks of {@code saved.ensembles().get(e)}. */
    static Path save(Path file, Saved saved, List<List<MultiLayerNetwork>> ensembles) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(Trainer.CONFIG_ENTRY, Json.write(saved));
        for (int e = 0; e < ensembles.size(); e++) {
            List<MultiLayerNetwork> members = ensembles.get(e);
            entries.put("ensemble-" + e + "/configuration.json", members.get(0).getLayerWiseConfigurations().toJson());
            for (int j = 0; j < members.size(); j++) {
                entries.put("ensemble-" + e + "/member-" + (j + 1) + ".params", encode(members.get(j).params()));
            }
        }
        ModelZip.save(ensembles.get(0).get(0), file, false, entries);
        return file;
    }

    /** Loads a panel model file ({@link #isPanel}); a damaged one is a one-line error naming it. */
    static PanelForecaster load(Path zip) {
        Saved saved = ModelZip.parse(zip, ModelZip.readEntry(zip, Trainer.CONFIG_ENTRY), Saved.class);
        if (saved.run() == null || saved.ensembles() == null || saved.ensembles().isEmpty()) {
            throw new UserException(zip + ": damaged forecast model (no ensemble in its configuration)");
        }
        List<List<MultiLayerNetwork>> nets = new ArrayList<>();
        for (int e = 0; e < saved.ensembles().size(); e++) {
            String conf = entry(zip, "ensemble-" + e + "/configuration.json");
            List<MultiLayerNetwork> members = new ArrayList<>();
            for (int j = 1; j <= saved.ensembles().get(e).members(); j++) {
                INDArray params = decode(zip, entry(zip, "ensemble-" + e + "/member-" + j + ".params"));
                MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
                if (params.length() != net.numParams()) {
                    throw new UserException(zip + ": damaged forecast model (ensemble " + e + ", member " + j + ": "
                            + params.length() + " parameters, its configuration has " + net.numParams() + ")");
                }
                net.init();
                net.setParams(params.reshape(1, params.length()));   // (init(params, false) with this rank-1 array kept fresh weights)
                members.add(net);
            }
            nets.add(members);
        }
        return new PanelForecaster(zip, saved, nets);
    }

    Saved saved() {
        return saved;
    }

    Path path() {
        return path;
    }

    /** The training horizon H: the most steps a forecast has. */
    int horizon() {
        return saved.run().horizon();
    }

    /** The fewest values a series needs (the panel's split: enough to fit on, and H after it). */
    int needs() {
        return ForecastPanel.minLength(saved.period(), horizon());
    }

    /** The series the model was trained on (its first, for a panel), read again from where training read it; null when it cannot be. */
    TimeSeries trainingSeries() {
        try {
            ForecastPanel.PanelConfig run = saved.run();
            if (run.source() != null) {
                return ForecastData.load(run.source());
            }
            PanelData.Series s = PanelData.read(PanelData.resolve(run.panel() == null ? null : Path.of(run.panel())), run.period(),
                    run.future()).series().get(0);
            return new TimeSeries(s.name(), "value", "time", s.times(), s.values(), List.of(), new double[0][]);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code series} as the panel reads it, with its period and its feature columns as the model's covariates. */
    private PanelData.Series asPanelSeries(TimeSeries series, int period) {
        List<String> names = saved.covariates() == null ? List.of() : saved.covariates();
        if (!saved.run().future().isEmpty()) {
            throw new UserException(series.source() + ": the model reads known-ahead covariates " + saved.run().future()
                    + "; forecast with ./lstm forecast --panel FILE, whose rows after each series' end give their future values");
        }
        if (series.features().length != names.size()) {
            throw new UserException(series.source() + ": the model takes " + names.size() + " feature column(s) "
                    + names + ", --features gives " + series.features().length);
        }
        return new PanelData.Series(series.targetName(), series.labels(), series.target(), period, "model", series.features());
    }

    /** The ensemble the series' frequency group chose in training (the first ensemble for a group it did not have). */
    private int ensembleFor(int period) {
        String group = ForecastPanel.group(period);
        for (int e = 0; e < saved.ensembles().size(); e++) {
            if (saved.ensembles().get(e).groups().contains(group)) {
                return e;
            }
        }
        return 0;
    }

    /** The series' encoding for ensemble {@code e}, fitted on its training part as the panel command splits it. */
    private PanelModel.Encoding encoding(PanelData.Series s, int e, int trainEnd) {
        int h = horizon();
        ForecastPanel.PanelConfig run = saved.run();
        return PanelModel.Encoding.fit(s.values(), trainEnd, s.period(), saved.ensembles().get(e).withEts() ? h : 0,
                PanelModel.Inputs.of(s, saved.covariates() == null ? List.of() : saved.covariates(), run.future(), run.calendar(), trainEnd, h));
    }

    /** The {@code h} values after the end of {@code series} with the model's period: {@link #forecast(TimeSeries, int, int)}. */
    SeriesForecaster.Forecast forecast(TimeSeries series, int h) {
        return forecast(series, h, saved.period());
    }

    /**
     * The panel's forecast ({@code lstm+ets}) of the {@code h} values after the end of {@code series} (h ≤ H), with its 80 %
     * and 95 % intervals (NaN without them).
     */
    SeriesForecaster.Forecast forecast(TimeSeries series, int h, int period) {
        int hh = horizon();
        if (h < 1 || h > hh) {
            throw new UserException("--horizon must be 1.." + hh + " (the model forecasts " + hh + " steps), got " + h);
        }
        if (period < 1) {
            throw new UserException("--period must be at least 1, got " + period);
        }
        PanelData.Series s = asPanelSeries(series, period);
        int n = s.length();
        int needs = ForecastPanel.minLength(period, hh);
        if (n < needs) {
            throw new UserException(series.source() + ": " + n + " rows; the model needs at least " + needs
                    + " (period " + period + ", horizon " + hh + ")");
        }
        Key key = new Key(period, s.values(), s.covariates());
        Computed c;
        synchronized (recent) {
            c = recent.get(key);
        }
        if (c == null) {
            c = compute(s, period);
            synchronized (recent) {
                recent.put(key, c);
            }
        }
        double[] both = c.forecast();
        double[][] b = c.bounds();
        String[] labels = series.futureLabels(h);
        List<SeriesForecaster.Step> steps = new ArrayList<>();
        for (int k = 0; k < h; k++) {
            double nan = Double.NaN;
            steps.add(new SeriesForecaster.Step(labels[k], both[k], b == null ? nan : b[k][0], b == null ? nan : b[k][1],
                    b == null ? nan : b[k][2], b == null ? nan : b[k][3]));
        }
        return new SeriesForecaster.Forecast(series.targetName(), series.labels()[n - 1], List.copyOf(steps), b == null ? 0 : hh);
    }

    /** The forecast of all H steps and its bounds ({@code [k][lo80, hi80, lo95, hi95]}, null without intervals). */
    private record Computed(double[] forecast, double[][] bounds) {
    }

    /** A series as the forecast reads it: its period, values and covariates, compared by content. */
    private record Key(int period, double[] values, double[][] covariates) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.period == period && Arrays.equals(k.values, values) && Arrays.deepEquals(k.covariates, covariates);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * period + Arrays.hashCode(values)) + Arrays.deepHashCode(covariates);
        }
    }

    /** The last forecasts made: a series asked for again (a dashboard, the server's page) skips its two ETS fits. */
    private final Map<Key, Computed> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Computed> eldest) {
            return size() > RECENT;
        }
    };

    /** How many series' forecasts {@link #recent} keeps. */
    static final int RECENT = 64;

    /**
     * The panel's forecast of the H values after the end of {@code s}: its scale fitted as in training (ETS on the part
     * before its last 4H values), the ensemble's median, ETS fitted on all of it, their mean, the conformal bounds.
     * Two automatic ETS fits: most of the time (~0.1 s on airpassengers).
     */
    private Computed compute(PanelData.Series s, int period) {
        int hh = horizon();
        int n = s.length();
        int trainEnd = ForecastPanel.split(s, hh).trainEnd();
        int e = ensembleFor(period);
        TimeSeries ts = new TimeSeries(s.name(), "value", "time", s.times(), s.values(), List.of(), new double[0][]);
        int[] last = {n - 1};
        // the two ETS fits are nearly all of a forecast's time: ETS's own forecast (on the whole series) runs on another
        // core while this thread fits the series' scale and runs the networks
        CompletableFuture<double[]> etsAsync = CompletableFuture.supplyAsync(() -> new Ets(period, 1).forecast(ts, last, hh)[0]);
        PanelModel.Encoding enc = encoding(s, e, trainEnd);
        double[] lstm = new PanelModel.EnsembleForecaster(nets.get(e), enc, saved.run().window()).forecast(ts, last, hh)[0];
        double[] ets;
        try {
            ets = etsAsync.join();
        } catch (CompletionException x) {
            throw x.getCause() instanceof RuntimeException r ? r : x;
        }
        double[] both = ForecastPanel.combined(period, new double[][] {lstm}, new double[][] {ets})[0];
        return new Computed(both, intervals == null ? null : intervals.bounds(enc, period, last[0], both));
    }

    /**
     * The test part of {@code series} (its last 2H values, or H for a short one, as the panel command splits it): the
     * ensemble, the panel's forecast and every peer from the same origins.
     */
    ForecastPanel.SeriesScores evaluate(TimeSeries series, int period) {
        PanelData.Series s = asPanelSeries(series, period);
        int h = horizon();
        ForecastPanel.Part p = ForecastPanel.split(s, h);
        int e = ensembleFor(period);
        double scale = ForecastMetrics.maseScale(s.values(), p.trainEnd(), period);
        return ForecastPanel.score(p, nets.get(e), encoding(s, e, p.trainEnd()), intervals, saved.run().window(), h, scale,
                new LinkedHashMap<>());
    }

    private static String entry(Path zip, String name) {
        String s = ModelZip.readEntry(zip, name);
        if (s == null) {
            throw new UserException(zip + ": damaged forecast model (no " + ModelZip.PREFIX + name + " inside)");
        }
        return s;
    }

    private static String encode(INDArray a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Nd4j.write(a, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static INDArray decode(Path zip, String text) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(text.strip())))) {
            return Nd4j.read(in);
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": damaged forecast model (a member's parameters do not read)", e);
        }
    }
}
