package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import picocli.CommandLine.Option;

/** {@code --period} of {@code predict} and {@code evaluate}: the period a panel model forecasts a series with. */
final class PanelPeriodOption {
    @Option(names = "--period", paramLabel = "M", description = "A panel model only: the series' seasonal period (default: the period of the series it was trained on, the first for a panel).")
    Integer period;

    /** The period to forecast {@code p}'s series with: {@code --period}, else the model's. */
    int of(PanelForecaster p) {
        if (period != null && period < 1) {
            throw new UserException("--period must be at least 1, got " + period);
        }
        return period != null ? period : p.saved().period();
    }

    /** Refuses {@code --period} for a single-series model, which has its period built in. */
    void refuseForSingle() {
        if (period != null) {
            throw new UserException("--period: a single-series model has its period built in; --period is for a panel model");
        }
    }
}
