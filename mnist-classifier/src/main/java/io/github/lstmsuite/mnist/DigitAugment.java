package io.github.lstmsuite.mnist;

import java.util.SplittableRandom;

/**
 * Training-time augmentation of 28×28 digits: each image of a mini-batch is drawn anew under a small random
 * affine map — rotation up to ±{@value #DEGREES}°, scale {@value #SCALE_MIN}–{@value #SCALE_MAX}, shear up to
 * ±{@value #SHEAR}, shift up to ±{@value #SHIFT} pixels — (bilinear), and its strokes made one step bolder or
 * thinner (a 3×3 grey dilation or erosion) with probabilities {@value #BOLDER} and {@value #THINNER}. The test
 * images are never augmented. What it buys: digits that are not written as MNIST's are (printed, bolder, tilted,
 * off-centre) are read better; the mnist README measures it.
 *
 * <p>The random stream of a batch comes from the run's seed and the batch's image indices alone, so the same
 * {@code --seed} gives the same augmented batches, and a resumed run the same as an uninterrupted one.
 */
final class DigitAugment {
    static final double DEGREES = 15;
    static final double SCALE_MIN = 0.8;
    static final double SCALE_MAX = 1.15;
    static final double SHEAR = 0.25;
    static final double SHIFT = 2.5;
    static final double BOLDER = 0.25;
    static final double THINNER = 0.15;

    private DigitAugment() {
    }

    /** A random stream for the batch of images {@code idx} in a run with {@code seed}. */
    static SplittableRandom stream(long seed, int[] idx) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + java.util.Arrays.hashCode(idx));
    }

    /** One image (784 values 0–255, row-major) under a random map drawn from {@code rnd}; the result is new. */
    static float[] apply(float[] img, SplittableRandom rnd) {
        double a = Math.toRadians((rnd.nextDouble() * 2 - 1) * DEGREES);
        double s = SCALE_MIN + rnd.nextDouble() * (SCALE_MAX - SCALE_MIN);
        double sh = (rnd.nextDouble() * 2 - 1) * SHEAR;
        double tx = (rnd.nextDouble() * 2 - 1) * SHIFT;
        double ty = (rnd.nextDouble() * 2 - 1) * SHIFT;
        // forward map about the centre: p' = S·R·H·(p − c) + c + t; we need its inverse for each output pixel
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        double m00 = s * cos;
        double m01 = s * (cos * sh - sin);
        double m10 = s * sin;
        double m11 = s * (sin * sh + cos);
        double det = m00 * m11 - m01 * m10;
        double i00 = m11 / det;
        double i01 = -m01 / det;
        double i10 = -m10 / det;
        double i11 = m00 / det;
        double c = 13.5;
        float[] out = new float[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double dx = x - c - tx;
                double dy = y - c - ty;
                out[y * 28 + x] = bilinear(img, i00 * dx + i01 * dy + c, i10 * dx + i11 * dy + c);
            }
        }
        double r = rnd.nextDouble();
        if (r < BOLDER) {
            return morph(out, true);
        }
        if (r < BOLDER + THINNER) {
            return morph(out, false);
        }
        return out;
    }

    private static float bilinear(float[] img, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(img, x0, y0) + fx * at(img, x0 + 1, y0))
                + fy * ((1 - fx) * at(img, x0, y0 + 1) + fx * at(img, x0 + 1, y0 + 1)));
    }

    private static float at(float[] img, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0f : img[y * 28 + x];
    }

    /** A grey dilation (max) or erosion (min) over each pixel's cross of 5; an erosion is blended half way, so thin strokes stay. */
    private static float[] morph(float[] img, boolean dilate) {
        float[] out = new float[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                float v = img[y * 28 + x];
                float m = v;
                for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                    float n = at(img, x + d[0], y + d[1]);
                    m = dilate ? Math.max(m, n) : Math.min(m, n);
                }
                out[y * 28 + x] = dilate ? m : 0.5f * (v + m);
            }
        }
        return out;
    }
}
