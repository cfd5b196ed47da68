package io.github.lstmsuite.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.series.Ets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The panel model's scale on a real series: its round trip, and ETS's forecasts as inputs. */
class PanelModelTest {
    /** AirPassengers (144 months, multiplicative season and trend). */
    private static double[] air() throws Exception {
        List<String> rows = Files.readAllLines(PanelData.resolve(null).getParent().getParent().resolve("timeseries/airpassengers.csv"));
        return rows.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
    }

    @Test
    void encodeAndDecodeAreInverses() throws Exception {
        double[] y = air();
        PanelModel.Encoding e = PanelModel.Encoding.fit(y, 96, 12);
        assertEquals('M', e.season, "ETS finds a multiplicative season");
        for (int o : new int[] {20, 95, 130}) {
            for (int k = 1; k <= 12 && o + k < y.length; k++) {
                assertEquals(y[o + k], e.decode(o, k, e.target(o, k)), 1e-9 * y[o + k], "origin " + o + ", step " + k);
                assertEquals(-0.7, e.encode(o, k, e.decode(o, k, -0.7)), 1e-12);
            }
        }
    }

    /** The input is ETS's own forecast from each step, fitted on the training part, on the scale of the targets. */
    @Test
    void etsInputsAreEtsForecastsOnTheTargetsScale() throws Exception {
        double[] y = air();
        int trainEnd = 96;
        int h = 12;
        PanelModel.Encoding e = PanelModel.Encoding.fit(y, trainEnd, 12, h, PanelModel.Inputs.NONE);
        assertEquals(3 + h, e.channels(h));
        Ets.Fit f = Ets.fit(Arrays.copyOf(y, trainEnd), 12);
        for (int t : new int[] {40, 95, 120}) {
            double[] forecast = f.forecast(Arrays.copyOf(y, t + 1), h);      // states run through y[0..t] from the fit's start
            for (int k = 1; k <= h; k++) {
                assertEquals(forecast[k - 1], e.decode(t, k, e.etsInput(t, k)), 1e-9 * forecast[k - 1], "t " + t + ", k " + k);
            }
        }
        assertTrue(Double.isNaN(PanelModel.Encoding.fit(y, trainEnd, 12).etsInput(40, 1)), "none without --ets-inputs");
        assertEquals(3, PanelModel.Encoding.fit(y, trainEnd, 12).channels(h));
    }
}
