package io.github.lstmsuite.common.series;

/**
 * Finds a series' seasonal period from its autocorrelation: after removing a straight-line trend, the
 * highest autocorrelation peak that comes after the autocorrelation first turns negative, if it is at
 * least {@value #MIN_PEAK}. One with no such peak is not seasonal (period 1).
 */
public final class Periods {
    /** The smallest autocorrelation accepted as seasonality. */
    public static final double MIN_PEAK = 0.2;

    private Periods() {
    }

    /** The period of {@code v[0..n)}, searched up to {@code n / 3} steps; 1 when none. */
    public static int detect(double[] v, int n) {
        int maxLag = Math.min(n / 3, 1000);
        if (maxLag < 3) {
            return 1;
        }
        // straight-line trend by least squares
        double mt = (n - 1) / 2.0;
        double mv = 0;
        for (int i = 0; i < n; i++) {
            mv += v[i];
        }
        mv /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (i - mt) * (v[i] - mv);
            sxx += (i - mt) * (i - mt);
        }
        double slope = sxy / sxx;
        double[] r = new double[n];
        double var = 0;
        for (int i = 0; i < n; i++) {
            r[i] = v[i] - mv - slope * (i - mt);
            var += r[i] * r[i];
        }
        if (var == 0) {
            return 1;
        }
        boolean crossed = false;
        int best = 1;
        double bestAcf = MIN_PEAK;
        for (int lag = 1; lag <= maxLag; lag++) {
            double s = 0;
            for (int i = lag; i < n; i++) {
                s += r[i] * r[i - lag];
            }
            double acf = s / var;
            if (acf < 0) {
                crossed = true;
            } else if (crossed && acf > bestAcf) {
                bestAcf = acf;
                best = lag;
            }
        }
        return best;
    }

    /**
     * {@code detected}, or the calendar period within 10 % of it: the autocorrelation peak of a yearly
     * cycle in daily data is broad and noise moves it by days (Melbourne's temperatures peak at 351),
     * and seasonal naive should compare with the same day of last year.
     */
    public static int snap(int detected, int... calendar) {
        for (int c : calendar) {
            if (detected > 1 && Math.abs(detected - c) <= 0.1 * c) {
                return c;
            }
        }
        return detected;
    }
}
