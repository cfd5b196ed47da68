package io.github.lstmsuite.common.series;

import java.util.List;

/**
 * The four benchmark methods every forecast is compared with (Hyndman &amp; Athanasopoulos,
 * <i>Forecasting: Principles and Practice</i>, §5.2), each from the history up to the origin:
 * <ul>
 *   <li>{@code naive}: the last value, ŷ[o+k] = y[o]</li>
 *   <li>{@code seasonal_naive}: the value one period earlier, ŷ[o+k] = y[o+k−m·⌈k/m⌉] (= naive when m = 1)</li>
 *   <li>{@code drift}: the line through the first and the last value, ŷ[o+k] = y[o] + k·(y[o] − y[0]) / o</li>
 *   <li>{@code mean}: the mean of all the history</li>
 * </ul>
 */
public final class Baselines {
    private Baselines() {
    }

    /** The four baselines for seasonal period {@code m}. */
    public static List<Forecaster> all(int m) {
        return List.of(naive(), seasonalNaive(m), drift(), mean());
    }

    public static Forecaster naive() {
        return of("naive", (y, o, k) -> y[o]);
    }

    public static Forecaster seasonalNaive(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("period must be at least 1");
        }
        return of("seasonal_naive", (y, o, k) -> {
            int back = m * ((k + m - 1) / m);            // m·⌈k/m⌉ ≥ k: always a known value
            return o + k - back >= 0 ? y[o + k - back] : y[o];
        });
    }

    public static Forecaster drift() {
        return of("drift", (y, o, k) -> o == 0 ? y[0] : y[o] + k * (y[o] - y[0]) / o);
    }

    public static Forecaster mean() {
        return new Forecaster() {
            @Override
            public String name() {
                return "mean";
            }

            @Override
            public double[][] forecast(TimeSeries series, int[] origins, int h) {
                double[] y = series.target();
                double[][] out = new double[origins.length][h];
                for (int i = 0; i < origins.length; i++) {
                    double s = 0;
                    for (int t = 0; t <= origins[i]; t++) {
                        s += y[t];
                    }
                    java.util.Arrays.fill(out[i], s / (origins[i] + 1));
                }
                return out;
            }
        };
    }

    /**
     * Naive2, the M4 competition's benchmark for OWA: the last value of the seasonally adjusted history, put back into
     * season — the history y[0..o] divided by its multiplicative seasonal indices when the Theta method's test finds a
     * season (see {@link Theta}), plain naive otherwise (and for a history with a value ≤ 0).
     */
    public static Forecaster naive2(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("period must be at least 1");
        }
        return new Forecaster() {
            @Override
            public String name() {
                return "naive2";
            }

            @Override
            public double[][] forecast(TimeSeries series, int[] origins, int h) {
                double[] y = series.target();
                double[][] out = new double[origins.length][h];
                for (int i = 0; i < origins.length; i++) {
                    int o = origins[i];
                    double[] history = java.util.Arrays.copyOf(y, o + 1);
                    boolean positive = java.util.Arrays.stream(history).allMatch(v -> v > 0);
                    double[] index = positive ? Theta.seasonalIndex(history, m) : null;
                    for (int k = 0; k < h; k++) {
                        out[i][k] = index == null ? y[o] : y[o] / index[o % m] * index[(o + 1 + k) % m];
                    }
                }
                return out;
            }
        };
    }

    /** ŷ[o + k] for k = 1..h from the values y[0..o]. */
    private interface PointRule {
        double at(double[] y, int origin, int k);
    }

    private static Forecaster of(String name, PointRule rule) {
        return new Forecaster() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double[][] forecast(TimeSeries series, int[] origins, int h) {
                double[][] out = new double[origins.length][h];
                for (int i = 0; i < origins.length; i++) {
                    for (int k = 1; k <= h; k++) {
                        out[i][k - 1] = rule.at(series.target(), origins[i], k);
                    }
                }
                return out;
            }
        };
    }
}
