package io.github.lstmsuite.layers;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The copies behind {@link ReverseSteps} and {@link LastStep}: whole feature vectors moved between time
 * steps of {@code [batch, features, time]} arrays in one pass over Java buffers, at any strides. DL4J's own
 * vertices ({@code ReverseTimeSeriesVertex}, {@code LastTimeStepVertex}) issue a pair of ND4J ops per
 * sample and step instead, each with its own Java objects and native call.
 */
final class StepCopy {
    private StepCopy() {
    }

    /**
     * Each sample's real (unmasked) steps, in order. {@code mask [B, T]}: non-zero = real; {@code null}: all
     * {@code T} steps of every sample are real.
     */
    static int[][] realSteps(INDArray mask, int batch, int steps) {
        int[][] real = new int[batch][];
        if (mask == null) {
            int[] all = new int[steps];
            for (int t = 0; t < steps; t++) {
                all[t] = t;
            }
            java.util.Arrays.fill(real, all);
            return real;
        }
        if (mask.rank() != 2 || mask.size(0) != batch || mask.size(1) != steps) {
            throw new IllegalStateException("the mask has shape " + java.util.Arrays.toString(mask.shape())
                    + ", expected [" + batch + ", " + steps + "] (batch, time steps)");
        }
        INDArray m = mask.dataType() == DataType.FLOAT ? mask : mask.castTo(DataType.FLOAT);
        FloatBuffer values = floats(m);
        long sb = m.stride(0);
        long st = m.stride(1);
        int[] row = new int[steps];
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int t = 0; t < steps; t++) {
                if (values.get((int) (b * sb + t * st)) != 0f) {
                    row[n++] = t;
                }
            }
            real[b] = java.util.Arrays.copyOf(row, n);
        }
        return real;
    }

    /**
     * For every {@code i < n}: {@code dst[dstSample[i], :, dstStep[i]] = src[srcSample[i], :, srcStep[i]]}.
     * Each array is {@code [B, F, T]}, or {@code [B, F]} (then its step indices are not read); both hold
     * the same data type and feature count, at any strides.
     */
    static void copySteps(INDArray src, int[] srcSample, int[] srcStep, INDArray dst, int[] dstSample, int[] dstStep, int n) {
        if (src.dataType() != dst.dataType()) {
            throw new IllegalArgumentException("data types differ: " + src.dataType() + " and " + dst.dataType());
        }
        int features = (int) src.size(1);
        long[] from = new long[n];
        long[] to = new long[n];
        for (int i = 0; i < n; i++) {
            from[i] = srcSample[i] * src.stride(0) + (src.rank() == 3 ? srcStep[i] * src.stride(2) : 0);
            to[i] = dstSample[i] * dst.stride(0) + (dst.rank() == 3 ? dstStep[i] * dst.stride(2) : 0);
        }
        int sk = (int) src.stride(1);
        int dk = (int) dst.stride(1);
        if (src.dataType() == DataType.FLOAT) {
            FloatBuffer s = floats(src);
            FloatBuffer d = floats(dst);
            for (int i = 0; i < n; i++) {
                for (int f = 0, a = (int) from[i], b = (int) to[i]; f < features; f++, a += sk, b += dk) {
                    d.put(b, s.get(a));
                }
            }
        } else if (src.dataType() == DataType.DOUBLE) {
            DoubleBuffer s = doubles(src);
            DoubleBuffer d = doubles(dst);
            for (int i = 0; i < n; i++) {
                for (int f = 0, a = (int) from[i], b = (int) to[i]; f < features; f++, a += sk, b += dk) {
                    d.put(b, s.get(a));
                }
            }
        } else {                                       // half precision and the like: the same copy in float
            INDArray d = dst.castTo(DataType.FLOAT);
            copySteps(src.castTo(DataType.FLOAT), srcSample, srcStep, d, dstSample, dstStep, n);
            dst.assign(d);
        }
    }

    /**
     * {@code dst[b, f₀ + f, t] = src[b, f, t]} for every element of {@code src}: {@code src [B, F, T]} into the
     * features {@code f₀ … f₀+F-1} of {@code dst [B, F', T]} (or {@code [B, F]} into {@code [B, F']}), float
     * arrays at any strides. The innermost loop runs along the destination's smallest stride.
     */
    static void copyFeatures(INDArray src, INDArray dst, long firstFeature) {
        int rank = src.rank();
        long[] n = {src.size(0), src.size(1), rank == 3 ? src.size(2) : 1};
        long[] ss = {src.stride(0), src.stride(1), rank == 3 ? src.stride(2) : 0};
        long[] ds = {dst.stride(0), dst.stride(1), rank == 3 ? dst.stride(2) : 0};
        int[] order = {0, 1, 2};                      // loop order, outermost first: by falling destination stride
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                if (Math.abs(ds[order[j]]) > Math.abs(ds[order[i]])) {
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
        }
        FloatBuffer s = floats(src);
        FloatBuffer d = floats(dst);
        int o = order[0], m = order[1], in = order[2];
        long n0 = n[o], n1 = n[m], n2 = n[in];
        int s0 = (int) ss[o], s1 = (int) ss[m], s2 = (int) ss[in];
        int d0 = (int) ds[o], d1 = (int) ds[m], d2 = (int) ds[in];
        int dBase = (int) (firstFeature * ds[1]);
        for (long i = 0; i < n0; i++) {
            for (long j = 0; j < n1; j++) {
                int a = (int) (i * s0 + j * s1);
                int b = (int) (dBase + i * d0 + j * d1);
                if (s2 == 1 && d2 == 1) {
                    for (int k = 0; k < n2; k++) {
                        d.put(b + k, s.get(a + k));
                    }
                } else {
                    for (int k = 0; k < n2; k++, a += s2, b += d2) {
                        d.put(b, s.get(a));
                    }
                }
            }
        }
    }

    /** The elements {@code a} spans, index 0 = its first element, whatever its strides. */
    private static FloatBuffer floats(INDArray a) {
        return FastLstmLayer.spanBuffer(a);
    }

    private static DoubleBuffer doubles(INDArray a) {
        DoublePointer p = new DoublePointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
        return p.limit(p.position() + FastLstmLayer.span(a)).asBuffer();
    }
}
