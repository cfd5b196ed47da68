package io.github.lstmsuite.common.series;

/** Roots of real polynomials, for the stability checks of the statistical models. */
final class Polynomials {
    private Polynomials() {
    }

    /** Iterations a warm start may take before the cold start is used instead. */
    private static final int WARM_ITERATIONS = 60;
    /** A warm start's turn: a thousandth of a radian. */
    private static final double TURN_COS = Math.cos(1e-3);
    private static final double TURN_SIN = Math.sin(1e-3);

    /**
     * The last roots found by {@link #largestRootModulus(double[], Roots)}, the start of its next call. An optimiser
     * checks one polynomial after another whose coefficients barely move: from the last roots the iteration converges
     * in two or three steps instead of about ten from a circle. One per caller (not thread-safe).
     */
    static final class Roots {
        private double[] re = new double[0];
        private double[] im = new double[0];
    }

    /**
     * The largest modulus among the roots of c[0]·zᵈ + c[1]·zᵈ⁻¹ + … + c[d] (c[0] ≠ 0), by the Durand–Kerner
     * (Weierstrass) iteration on the monic polynomial: every root at once, complex ones included.
     */
    static double largestRootModulus(double[] c) {
        return largestRootModulus(c, null);
    }

    /**
     * {@link #largestRootModulus(double[])} starting from {@code warm}'s roots when it holds as many (turned by a
     * thousandth of a radian, so that roots which were real can become a complex pair), and leaving the roots found
     * there; a warm start that has not converged after {@value #WARM_ITERATIONS} iterations starts again cold. Either
     * way the iteration stops when no root moved by 1e-14, so the answer is the same root to that precision.
     */
    static double largestRootModulus(double[] c, Roots warm) {
        int d = c.length - 1;
        if (d < 1) {
            return 0;
        }
        double[] a = new double[d + 1];                   // monic
        for (int i = 0; i <= d; i++) {
            a[i] = c[i] / c[0];
        }
        double[] re = new double[d];
        double[] im = new double[d];
        if (warm != null && warm.re.length == d) {
            for (int k = 0; k < d; k++) {
                re[k] = warm.re[k] * TURN_COS - warm.im[k] * TURN_SIN;
                im[k] = warm.re[k] * TURN_SIN + warm.im[k] * TURN_COS;
            }
            if (!iterate(a, re, im, WARM_ITERATIONS)) {
                circle(a, re, im);
                iterate(a, re, im, 2000);
            }
        } else {
            circle(a, re, im);
            iterate(a, re, im, 2000);
        }
        if (warm != null) {
            warm.re = re;
            warm.im = im;
        }
        // squared moduli: Math.hypot guards against an overflow these bounded roots never near, at many times the cost
        double max2 = 0;
        for (int k = 0; k < d; k++) {
            max2 = Math.max(max2, re[k] * re[k] + im[k] * im[k]);
        }
        return Math.sqrt(max2);
    }

    /** The cold start: spread on a circle of half Cauchy's bound on the roots' moduli, off the real axis. */
    private static void circle(double[] a, double[] re, double[] im) {
        int d = re.length;
        double bound = 0;
        for (int i = 1; i <= d; i++) {
            bound = Math.max(bound, Math.abs(a[i]));
        }
        bound += 1;
        for (int k = 0; k < d; k++) {
            double ang = 2 * Math.PI * k / d + 0.4;
            re[k] = bound * 0.5 * Math.cos(ang);
            im[k] = bound * 0.5 * Math.sin(ang);
        }
    }

    /** Durand–Kerner steps on the monic {@code a} from {@code re, im} until no root moves by 1e-14; false if that took more than {@code maxIter}. */
    private static boolean iterate(double[] a, double[] re, double[] im, int maxIter) {
        int d = re.length;
        for (int iter = 0; iter < maxIter; iter++) {
            double change2 = 0;                           // the largest step's squared modulus
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
                    change2 = Double.POSITIVE_INFINITY;
                    continue;
                }
                double sr = (pr * qr + pi * qi) / den;
                double si = (pi * qr - pr * qi) / den;
                re[k] -= sr;
                im[k] -= si;
                change2 = Math.max(change2, sr * sr + si * si);
            }
            if (change2 < 1e-28) {
                return true;
            }
        }
        return false;
    }
}
