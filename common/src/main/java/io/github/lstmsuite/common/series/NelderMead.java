package io.github.lstmsuite.common.series;

import java.util.function.ToDoubleFunction;

/**
 * The Nelder–Mead simplex search as R's {@code optim(method = "Nelder-Mead")} runs it (its {@code nmmin}: reflection 1,
 * contraction 0.5, expansion 2, an initial simplex of steps of a tenth of the largest parameter, relative tolerance
 * √ε on the function's spread over the simplex). Used where the suite must find what R finds — {@link Ets} fits
 * exactly this way in R's forecast package. Apache Commons Math has a Nelder–Mead too, but not R's steps, so its
 * answers differ where the surface is flat.
 */
final class NelderMead {
    private static final double BIG = 1.0e35;

    private NelderMead() {
    }

    /** The point of smallest {@code f} found from {@code start} in at most {@code maxit} evaluations (non-finite values count as 10³⁵). */
    static double[] minimise(ToDoubleFunction<double[]> f, double[] start, int maxit) {
        final double alpha = 1.0;
        final double bet = 0.5;
        final double gamm = 2.0;
        final double intol = Math.sqrt(Math.ulp(1.0));
        int n = start.length;
        double[] bvec = start.clone();
        double[][] p = new double[n + 1][n + 2];
        double fv = f.applyAsDouble(bvec);
        if (!Double.isFinite(fv)) {
            return start.clone();                         // R stops here: "cannot be evaluated at initial parameters"
        }
        int funcount = 1;
        double convtol = intol * (Math.abs(fv) + intol);
        int n1 = n + 1;
        int c = n + 2;
        p[n1 - 1][0] = fv;
        for (int i = 0; i < n; i++) {
            p[i][0] = bvec[i];
        }
        int l = 1;
        double size = 0;
        double step = 0;
        for (int i = 0; i < n; i++) {
            step = Math.max(step, 0.1 * Math.abs(bvec[i]));
        }
        if (step == 0.0) {
            step = 0.1;
        }
        for (int j = 2; j <= n1; j++) {
            for (int i = 0; i < n; i++) {
                p[i][j - 1] = bvec[i];
            }
            double trystep = step;
            while (p[j - 2][j - 1] == bvec[j - 2]) {
                p[j - 2][j - 1] = bvec[j - 2] + trystep;
                trystep *= 10;
            }
            size += trystep;
        }
        double oldsize = size;
        boolean calcvert = true;
        do {
            if (calcvert) {
                for (int j = 0; j < n1; j++) {
                    if (j + 1 != l) {
                        for (int i = 0; i < n; i++) {
                            bvec[i] = p[i][j];
                        }
                        fv = value(f, bvec);
                        funcount++;
                        p[n1 - 1][j] = fv;
                    }
                }
                calcvert = false;
            }
            double vl = p[n1 - 1][l - 1];
            double vh = vl;
            int h = l;
            for (int j = 1; j <= n1; j++) {
                if (j != l) {
                    double v = p[n1 - 1][j - 1];
                    if (v < vl) {
                        l = j;
                        vl = v;
                    }
                    if (v > vh) {
                        h = j;
                        vh = v;
                    }
                }
            }
            if (vh <= vl + convtol) {
                break;
            }
            for (int i = 0; i < n; i++) {                 // the centroid of all but the worst
                double temp = -p[i][h - 1];
                for (int j = 0; j < n1; j++) {
                    temp += p[i][j];
                }
                p[i][c - 1] = temp / n;
            }
            for (int i = 0; i < n; i++) {
                bvec[i] = (1.0 + alpha) * p[i][c - 1] - alpha * p[i][h - 1];
            }
            fv = value(f, bvec);
            funcount++;
            double vr = fv;
            if (vr < vl) {                                 // reflection was best: try expanding
                p[n1 - 1][c - 1] = fv;
                for (int i = 0; i < n; i++) {
                    double e = gamm * bvec[i] + (1 - gamm) * p[i][c - 1];
                    p[i][c - 1] = bvec[i];
                    bvec[i] = e;
                }
                fv = value(f, bvec);
                funcount++;
                if (fv < vr) {
                    for (int i = 0; i < n; i++) {
                        p[i][h - 1] = bvec[i];
                    }
                    p[n1 - 1][h - 1] = fv;
                } else {
                    for (int i = 0; i < n; i++) {
                        p[i][h - 1] = p[i][c - 1];
                    }
                    p[n1 - 1][h - 1] = vr;
                }
            } else {
                if (vr < vh) {
                    for (int i = 0; i < n; i++) {
                        p[i][h - 1] = bvec[i];
                    }
                    p[n1 - 1][h - 1] = vr;
                }
                for (int i = 0; i < n; i++) {              // contract toward the centroid
                    bvec[i] = (1 - bet) * p[i][h - 1] + bet * p[i][c - 1];
                }
                fv = value(f, bvec);
                funcount++;
                if (fv < p[n1 - 1][h - 1]) {
                    for (int i = 0; i < n; i++) {
                        p[i][h - 1] = bvec[i];
                    }
                    p[n1 - 1][h - 1] = fv;
                } else if (vr >= vh) {                     // shrink toward the best
                    calcvert = true;
                    size = 0.0;
                    for (int j = 0; j < n1; j++) {
                        if (j + 1 != l) {
                            for (int i = 0; i < n; i++) {
                                p[i][j] = bet * (p[i][j] - p[i][l - 1]) + p[i][l - 1];
                                size += Math.abs(p[i][j] - p[i][l - 1]);
                            }
                        }
                    }
                    if (size < oldsize) {
                        oldsize = size;
                    } else {
                        break;                             // R: "polytope size measure not decreased in shrink"
                    }
                }
            }
        } while (funcount <= maxit);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = p[i][l - 1];
        }
        return x;
    }

    private static double value(ToDoubleFunction<double[]> f, double[] x) {
        double v = f.applyAsDouble(x);
        return Double.isFinite(v) ? v : BIG;
    }
}
