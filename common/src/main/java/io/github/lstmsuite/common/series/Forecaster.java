package io.github.lstmsuite.common.series;

/**
 * Anything that forecasts a series: the LSTM and the baselines go through the same evaluation code.
 * A forecaster may read the series only up to and including each origin.
 */
public interface Forecaster {
    /** A short name for tables and {@code summary.json} keys ({@code lstm}, {@code naive}, …). */
    String name();

    /**
     * Forecasts for the {@code h} steps after each origin: {@code result[i][k]} is the forecast of
     * {@code series.target()[origins[i] + 1 + k]} made from the rows {@code 0..origins[i]}.
     */
    double[][] forecast(TimeSeries series, int[] origins, int h);
}
