package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.series.Ets;
import io.github.lstmsuite.common.series.Intervals;
import io.github.lstmsuite.common.series.RollingOrigin;
import io.github.lstmsuite.common.series.TimeSeries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Prediction intervals for the panel's forecast ({@code lstm+ets}): split-conformal intervals ({@link Intervals#conformal})
 * fitted to its errors on every series' validation part, pooled over the series of one period and measured on the
 * network's output scale (out of season, in logs, in units of the series' mean change), so one set of quantiles serves
 * series of any size. The errors come from the ensemble as it stood before its refit (trained on the training parts
 * only) and ETS fitted before each validation part: forecasts of values neither had seen. A period with no validation
 * part borrows the quantiles pooled over all series.
 */
final class PanelIntervals {
    /** The levels, as everywhere in the app. */
    static final double[] LEVELS = ForecastApp.LEVELS;

    private final Map<Integer, Intervals> byPeriod;
    private final Intervals pooled;

    private PanelIntervals(Map<Integer, Intervals> byPeriod, Intervals pooled) {
        this.byPeriod = byPeriod;
        this.pooled = pooled;
    }

    /** The quantiles as a model file stores them: per period, and pooled over all series. */
    record Quantiles(Map<Integer, Intervals> byPeriod, Intervals pooled) {
    }

    /** What a model file stores. */
    Quantiles quantiles() {
        return new Quantiles(Map.copyOf(byPeriod), pooled);
    }

    /** The intervals a model file stored; null for null. */
    static PanelIntervals of(Quantiles q) {
        return q == null || q.pooled() == null ? null : new PanelIntervals(q.byPeriod() == null ? Map.of() : q.byPeriod(), q.pooled());
    }

    /**
     * Fits the quantiles, series i forecast by the ensemble {@code validators.get(i)} on {@code enc.get(i)}; null when no
     * series has a validation part of a full horizon.
     */
    static PanelIntervals fit(List<ForecastPanel.Part> split, List<PanelModel.Encoding> enc, List<List<MultiLayerNetwork>> validators,
                              int w, int h) {
        Map<Integer, List<double[]>> errors = new HashMap<>();
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            ForecastPanel.Part p = split.get(i);
            if (p.valEnd() - p.trainEnd() < h) {
                continue;
            }
            int m = p.series().period();
            TimeSeries ts = TimeSeries.of(p.series().name(), p.series().values());
            RollingOrigin.Result lstm = RollingOrigin.evaluate(new PanelModel.EnsembleForecaster(validators.get(i), enc.get(i), w), ts,
                    p.trainEnd(), p.valEnd(), h, 1);
            RollingOrigin.Result ets = RollingOrigin.evaluate(new Ets(m, 1), ts, p.trainEnd(), p.valEnd(), h, 1);
            double[][] f = ForecastPanel.combined(m, lstm.predicted(), ets.predicted());
            for (int j = 0; j < lstm.origins().length; j++) {
                int o = lstm.origins()[j];
                double[] e = new double[h];
                for (int k = 1; k <= h; k++) {
                    e[k - 1] = enc.get(i).target(o, k) - enc.get(i).encode(o, k, f[j][k - 1]);
                }
                errors.computeIfAbsent(m, x -> new ArrayList<>()).add(e);
                all.add(e);
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        Map<Integer, Intervals> byPeriod = new HashMap<>();
        errors.forEach((m, e) -> byPeriod.put(m, Intervals.conformal(e.toArray(double[][]::new), LEVELS)));
        return new PanelIntervals(byPeriod, Intervals.conformal(all.toArray(double[][]::new), LEVELS));
    }

    /**
     * The bounds of {@code forecast} (the H values after origin {@code o} of the series encoded by {@code e}):
     * {@code [k][2l]} the lower and {@code [k][2l + 1]} the upper bound at level {@code l}.
     */
    double[][] bounds(PanelModel.Encoding e, int period, int o, double[] forecast) {
        Intervals q = byPeriod.getOrDefault(period, pooled);
        double[][] out = new double[forecast.length][2 * LEVELS.length];
        for (int k = 1; k <= forecast.length; k++) {
            double c = e.encode(o, k, forecast[k - 1]);
            for (int l = 0; l < LEVELS.length; l++) {
                out[k - 1][2 * l] = e.decode(o, k, c + q.lower()[l][k - 1]);
                out[k - 1][2 * l + 1] = e.decode(o, k, c + q.upper()[l][k - 1]);
            }
        }
        return out;
    }
}
