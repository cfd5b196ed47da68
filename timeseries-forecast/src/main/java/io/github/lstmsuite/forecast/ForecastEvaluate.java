package io.github.lstmsuite.forecast;

import io.github.lstmsuite.forecast.ForecastApp.Comparison;
import io.github.lstmsuite.forecast.ForecastApp.Loaded;
import io.github.lstmsuite.forecast.ForecastApp.SeriesOptions;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.series.Split;
import io.github.lstmsuite.common.series.TimeSeries;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./lstm forecast evaluate}: a trained model and the baselines on the test part of a series. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model and the baselines on the test part of its series (or of another with the same columns).")
final class ForecastEvaluate implements Callable<ForecastApp.EvaluateResult> {
    @Mixin
    ModelOptions opts = new ModelOptions();

    @Mixin
    SeriesOptions seriesOptions = new SeriesOptions();

    @Override
    public ForecastApp.EvaluateResult call() {
        NativeSetup.apply(opts.threads);
        Loaded m = ForecastApp.load(opts.model);
        TimeSeries series = ForecastData.load(seriesOptions.source(m.saved().run().source()));
        ForecastApp.checkColumns(series, m.saved());
        Split split = ForecastApp.split(series, m.saved().run());
        System.out.printf("model: %s (%s, window %d, horizon %d)%n", m.path(), m.saved().strategy(),
                m.saved().run().window(), m.saved().run().horizon());
        ForecastApp.printSeries(series, m.saved().run(), split);
        Comparison c = ForecastApp.compare(m.forecaster(), series, split, m.saved());
        ForecastApp.printComparison(c, m.saved());
        return new ForecastApp.EvaluateResult(m.path(), series.source(), c);
    }
}
