package io.github.lstmsuite.forecast;

import io.github.lstmsuite.forecast.ForecastApp.SavedModel;
import io.github.lstmsuite.forecast.SeriesForecaster.Step;
import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.report.AtomicFiles;
import io.github.lstmsuite.common.series.TimeSeries;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm forecast predict}: the steps after the end of a series, with 80 % and 95 % intervals. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Forecast the steps after the end of a series, with 80%% and 95%% intervals.")
public final class ForecastPredict implements Callable<ForecastPredict.Result> {
    /** What {@code predict} returns. */
    public record Result(Path model, List<Step> steps) {
    }

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Mixin
    SeriesOptions seriesOptions = new SeriesOptions();

    @Mixin
    PanelPeriodOption period = new PanelPeriodOption();

    @Option(names = "--horizon", paramLabel = "H", description = "Steps to forecast (default: the model's).")
    Integer horizon;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the forecast as CSV.")
    Path out;

    @Override
    public Result call() {
        NativeSetup.apply(opts.threads);
        Path path = opts.locate(ForecastApp.APP);
        SeriesForecaster model;
        PanelForecaster panel = null;
        TimeSeries series;
        String kind;
        if (PanelForecaster.isPanel(path)) {
            PanelForecaster p = PanelForecaster.load(path);
            panel = p;
            if (p.saved().run().source() == null && seriesOptions.csv == null && seriesOptions.series == null) {
                throw new UserException("--model " + path + ": a model trained on a panel; give the series to forecast with --csv FILE"
                        + " (the forecasts of the panel's own series are in its run folder's panel_forecasts.csv)");
            }
            model = new SeriesForecaster(p);
            series = ForecastData.load(seriesOptions.source(p.saved().run().source()));
            kind = "panel model: " + p.saved().ensembles().get(0).members() + " LSTMs with ETS";
        } else {
            period.refuseForSingle();
            ForecastModel.Loaded m = ForecastModel.load(path);
            SavedModel saved = m.saved();
            model = new SeriesForecaster(m);
            series = ForecastData.load(seriesOptions.source(saved.run().source()));
            kind = saved.strategy() + " model";
        }
        int h = horizon != null ? horizon : model.horizon();
        SeriesForecaster.Forecast f = model.isPanel() ? model.forecast(series, h, period.of(panel))
                : model.forecast(series, h);     // the Java API's path
        List<Step> steps = f.steps();
        StringBuilder csv = new StringBuilder("time,forecast,lo80,hi80,lo95,hi95\n");
        System.out.printf("forecast of %s after %s (%s, %s):%n", f.target(), f.after(), kind, path);
        System.out.printf("%-12s %12s %25s %25s%n", "time", "forecast", "80% interval", "95% interval");
        for (Step st : steps) {
            System.out.printf("%-12s %12.4g %12.4g … %-10.4g %12.4g … %-10.4g%n", st.time(), st.forecast(), st.lo80(), st.hi80(),
                    st.lo95(), st.hi95());
            csv.append(st.time()).append(',').append(st.forecast()).append(',').append(st.lo80()).append(',')
                    .append(st.hi80()).append(',').append(st.lo95()).append(',').append(st.hi95()).append('\n');
        }
        if (h > f.intervalHorizon() && f.intervalHorizon() > 0) {
            System.out.println("(no intervals beyond step " + f.intervalHorizon() + ": the validation residuals stop there)");
        }
        if (out != null) {
            AtomicFiles.writeString(out, csv.toString());
            System.out.println("written: " + out);
        }
        return new Result(path, steps);
    }
}
