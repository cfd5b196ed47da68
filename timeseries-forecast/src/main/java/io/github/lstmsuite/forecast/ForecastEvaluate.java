package io.github.lstmsuite.forecast;

import io.github.lstmsuite.forecast.ForecastReport.Comparison;
import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.TimeSeries;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lstm forecast evaluate}: a trained model and the baselines on the test part of a series. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model and the baselines on the test part of its series (or of another with the same columns).")
public final class ForecastEvaluate implements Callable<ForecastEvaluate.Result> {
    /** What {@code evaluate} returns. */
    public record Result(Path model, String series, Comparison test, ForecastPanel.SeriesScores panel) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Mixin
    SeriesOptions seriesOptions = new SeriesOptions();

    @Mixin
    PanelPeriodOption period = new PanelPeriodOption();

    @Override
    public Result call() {
        NativeSetup.apply(opts.threads);
        Path path = opts.locate(ForecastApp.APP);
        if (PanelForecaster.isPanel(path)) {
            return panel(PanelForecaster.load(path));
        }
        period.refuseForSingle();
        ForecastModel.Loaded m = ForecastModel.load(path);
        TimeSeries series = ForecastData.load(seriesOptions.source(m.saved().run().source()));
        ForecastModel.checkColumns(series, m.saved());
        Split split = ForecastData.split(series, m.saved().run());
        System.out.printf("model: %s (%s, window %d, horizon %d)%n", m.path(), m.saved().strategy(),
                m.saved().run().window(), m.saved().run().horizon());
        ForecastReport.printSeries(series, m.saved().run(), split);
        Comparison c = ForecastReport.compare(m.forecaster(), series, split, m.saved());
        ForecastReport.printComparison(c, m.saved());
        return new Result(m.path(), series.source(), c, null);
    }

    /** A panel model on the test part of one series (the last 2H values, as the panel command splits it). */
    private Result panel(PanelForecaster p) {
        if (p.saved().run().source() == null && seriesOptions.csv == null && seriesOptions.series == null) {
            throw new UserException("--model " + p.path() + ": a model trained on a panel; give the series to score with --csv FILE"
                    + " (its run's summary.json scores the panel's own series)");
        }
        TimeSeries series = ForecastData.load(seriesOptions.source(p.saved().run().source()));
        int period = this.period.of(p);
        ForecastPanel.SeriesScores s = p.evaluate(series, period);
        System.out.printf("model: %s (panel model: %d LSTMs with ETS, window %d, horizon %d)%n", p.path(),
                p.saved().ensembles().get(0).members(), p.saved().run().window(), p.horizon());
        System.out.printf("series: %s, %d values, period %d: train | validation | test = %d | %d | %d%n", series.source(),
                series.length(), period, s.trainRows(), series.length() - s.trainRows() - s.testRows(), s.testRows());
        System.out.printf("%ntest part, every origin (%d steps ahead):%n%-16s %8s %8s %8s%n", p.horizon(), "method", "MASE", "sMAPE", "MAE");
        s.scores().forEach((name, sc) -> System.out.printf("%-16s %8.3f %8.2f %8.4g%n", name, sc.mase(), sc.smape(), sc.mae()));
        if (s.points() > 0) {
            System.out.printf("intervals of lstm+ets: 80 %% cover %.1f %%, 95 %% cover %.1f %% of the test values%n",
                    100.0 * s.covered()[0] / s.points(), 100.0 * s.covered()[1] / s.points());
        }
        return new Result(p.path(), series.source(), null, s);
    }
}
