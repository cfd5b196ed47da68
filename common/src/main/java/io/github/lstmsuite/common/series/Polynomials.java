package io.github.lstmsuite.common.series;

/** Roots of real polynomials, for the stability checks of the statistical models. */
final class Polynomials {
    private Polynomials() {
    }

    /**
     * The largest modulus among the roots of c[0]·zᵈ + c[1]·zᵈ⁻¹ + … + c[d] (c[0] ≠ 0), by the Durand–Kerner
     * (Weierstrass) iteration on the monic polynomial: every root at once, complex ones included.
     */
    static double largestRootModulus(double[] c) {
        int d = c.length - 1;
        if (d < 1) {
            return 0;
        }
        double[] a = new double[d + 1];                   // monic
        for (int i = 0; i <= d; i++) {
            a[i] = c[i] / c[0];
        }
        double bound = 0;                                 // Cauchy's bound on the roots' moduli
        for (int i = 1; i <= d; i++) {
            bound = Math.max(bound, Math.abs(a[i]));
        }
        bound += 1;
        double[] re = new double[d];
        double[] im = new double[d];
        for (int k = 0; k < d; k++) {                     // spread on a circle, off the real axis
            double ang = 2 * Math.PI * k / d + 0.4;
            re[k] = bound * 0.5 * Math.cos(ang);
            im[k] = bound * 0.5 * Math.sin(ang);
        }
        for (int iter = 0; iter < 2000; iter++) {
            double change = 0;
            for (int k = 0; k < d; k++) {
                double pr = 1;                            // p(z_k) by Horner
                double pi = 0;
                for (int i = 1; i <= d; i++) {
                    double nr = pr * re[k] - pi * im[k] + a[i];
                    pi = pr * im[k] + pi * re[k];
                    pr = nr;
                }
                double qr = 1;                            // Π (z_k − z_j)
                double qi = 0;
                for (int j = 0; j < d; j++) {
                    if (j != k) {
                        double dr = re[k] - re[j];
                        double di = im[k] - im[j];
                        double nr = qr * dr - qi * di;
                        qi = qr * di + qi * dr;
                        qr = nr;
                    }
                }
                double den = qr * qr + qi * qi;
                if (den == 0) {
                    re[k] += 1e-9;
                    continue;
                }
                double sr = (pr * qr + pi * qi) / den;
                double si = (pi * qr - pr * qi) / den;
                re[k] -= sr;
                im[k] -= si;
                change = Math.max(change, Math.hypot(sr, si));
            }
            if (change < 1e-14) {
                break;
            }
        }
        double max = 0;
        for (int k = 0; k < d; k++) {
            max = Math.max(max, Math.hypot(re[k], im[k]));
        }
        return max;
    }
}
