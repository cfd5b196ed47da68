package io.github.lstmsuite.forecast;

import io.github.lstmsuite.forecast.ForecastReport.Comparison;
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
    public record Result(Path model, String series, Comparison test) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Mixin
    SeriesOptions seriesOptions = new SeriesOptions();

    @Override
    public Result call() {
        NativeSetup.apply(opts.threads);
        ForecastModel.Loaded m = ForecastModel.load(opts.locate(ForecastApp.APP));
        TimeSeries series = ForecastData.load(seriesOptions.source(m.saved().run().source()));
        ForecastModel.checkColumns(series, m.saved());
        Split split = ForecastData.split(series, m.saved().run());
        System.out.printf("model: %s (%s, window %d, horizon %d)%n", m.path(), m.saved().strategy(),
                m.saved().run().window(), m.saved().run().horizon());
        ForecastReport.printSeries(series, m.saved().run(), split);
        Comparison c = ForecastReport.compare(m.forecaster(), series, split, m.saved());
        ForecastReport.printComparison(c, m.saved());
        return new Result(m.path(), series.source(), c);
    }
}
