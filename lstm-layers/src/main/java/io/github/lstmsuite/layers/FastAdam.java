package io.github.lstmsuite.layers;

import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's {@link Adam} updater with its step computed by a Java loop instead of ND4J's {@code adam_updater}
 * op: the same formula in the same float arithmetic, so the same numbers to the last bit (tested against
 * ND4J's op), without the op's fixed cost — about a tenth of a training step of the MNIST classifier
 * (82 K parameters), where the arithmetic itself takes some 40 µs.
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   update = α_t · m / (√v + ε),   α_t = α·√(1 − β₂ᵗ) / (1 − β₁ᵗ)      (t = iteration + 1)
 * </pre>
 * Use it as DL4J's: {@code .updater(new FastAdam(1e-3))} or {@code new FastAdam(schedule)}. It <em>is</em> an
 * {@code Adam} configuration (its state is Adam's {@code M} and {@code V}), so a model saved with it resumes
 * with either class. Float32 updater blocks whose arrays are contiguous take the Java loop (from 256 K
 * parameters on the LSTM layers' two workers, in two fixed halves: an element-wise step, so the same
 * numbers for any number of threads); anything else goes to ND4J's op as before.
 */
public class FastAdam extends Adam {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation: Adam's defaults. */
    public FastAdam() {
        super();
    }

    public FastAdam(double learningRate) {
        super(learningRate);
    }

    public FastAdam(ISchedule learningRateSchedule) {
        super(learningRateSchedule);
    }

    public FastAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        viewArray = viewArray.reshape(viewArray.length());
        long[] gradientShape = viewArray.shape().clone();
        gradientShape[0] /= 2;
        u.setStateViewArray(viewArray, gradientShape, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public FastAdam clone() {
        FastAdam c = getLearningRateSchedule() != null ? new FastAdam(getLearningRateSchedule().clone())
                : new FastAdam(getLearningRate());
        c.setBeta1(getBeta1());
        c.setBeta2(getBeta2());
        c.setEpsilon(getEpsilon());
        return c;
    }

    /** ND4J's {@link AdamUpdater} with {@link #applyUpdater} in Java where the arrays allow it. */
    static final class Updater extends AdamUpdater {
        /** Blocks from this size use both workers. */
        private static final long TWO_THREADS_FROM = 1L << 18;
        /** Elements per pass through heap arrays (three arrays of it stay in the core's L1/L2 cache). */
        private static final int CHUNK = 2048;

        private final Adam config;
        private INDArray m, v;

        Updater(Adam config) {
            super(config);
            this.config = config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            super.setState(stateMap, initialize);
            takeState();
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            super.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
            takeState();
        }

        private void takeState() {
            Map<String, INDArray> s = getState();
            m = s.get(M_STATE);
            v = s.get(V_STATE);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (!javaPath(gradient)) {
                super.applyUpdater(gradient, iteration, epoch);
                return;
            }
            int n = (int) m.length();
            loop(FastLstmLayer.buffer(gradient), null, 0, 1f, new int[] {0}, new int[] {n}, new float[] {Float.NaN},
                    iteration, epoch);
        }

        /** α_t as ND4J's float kernel forms it (libnd4j's updaterAdam, T = float). */
        private float stepSize(int iteration, int epoch) {
            final float beta1 = (float) config.getBeta1(), beta2 = (float) config.getBeta2();
            final float epsilon = (float) config.getEpsilon(), lr = (float) config.getLearningRate(iteration, epoch);
            final float t = (float) iteration + 1;
            final float beta1T = (float) Math.pow(beta1, t), beta2T = (float) Math.pow(beta2, t);
            float stepSize = (float) ((lr * (float) Math.sqrt((float) (1. - beta2T))) / (1.0 - beta1T));
            if (Float.isNaN(stepSize) || stepSize == 0 || Float.isInfinite(stepSize)) {
                stepSize = epsilon;
            }
            return stepSize;
        }

        /**
         * The whole step for this updater's block, fused into one pass (see {@link FastUpdater}): for element
         * {@code e} of {@code [offset, offset + n)} of the network's flattened gradient {@code g} and parameters
         * {@code p}, {@code x = g[e] / divisor}, times {@code scale[k]} of the part {@code k} holding it (NaN:
         * no factor), then Adam's moments and update {@code u}, {@code p[e] -= u}, {@code g[e] = u} — the
         * float operations of the division, the clipping, {@link #applyUpdater} and DL4J's step in that order,
         * so the same numbers. Parts are {@code [partStart[k], partEnd[k])}, ascending, covering the block.
         * Returns false (and does nothing) when the state arrays do not allow the Java loop.
         */
        boolean fusedStep(FloatBuffer g, FloatBuffer p, int offset, float divisor, int[] partStart, int[] partEnd,
                          float[] scale, int iteration, int epoch) {
            if (m == null || v == null || !contiguousFloats(m, m.length()) || !contiguousFloats(v, m.length())
                    || !sameElementOrder(m, v)) {
                return false;
            }
            loop(g, p, offset, divisor, partStart, partEnd, scale, iteration, epoch);
            return true;
        }

        /**
         * Adam's step over elements {@code [offset, offset + n)} of {@code g} (n: the state's length; the
         * state's element {@code e - offset}): {@code x = g[e] / divisor}, times the factor {@code scale[k]} of
         * the part holding {@code e} (NaN: none), then the moments and the update {@code u} into {@code g[e]},
         * and {@code p[e] -= u} when {@code p} is given. In two fixed halves, on both workers from
         * {@link #TWO_THREADS_FROM} elements: an element-wise step, the same numbers for any number of threads.
         */
        private void loop(FloatBuffer g, FloatBuffer p, int offset, float divisor, int[] partStart, int[] partEnd,
                          float[] scale, int iteration, int epoch) {
            // the scalars exactly as ND4J's float kernel forms them (libnd4j's updaterAdam, T = float)
            final float beta1 = (float) config.getBeta1(), beta2 = (float) config.getBeta2();
            final float epsilon = (float) config.getEpsilon(), alpha = stepSize(iteration, epoch);
            final float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
            final int n = (int) m.length();
            final FloatBuffer mb = FastLstmLayer.buffer(m), vb = FastLstmLayer.buffer(v);
            int workers = n >= TWO_THREADS_FROM ? FastLstmLayer.configuredWorkers() : 1;
            FastLstmLayer.runBlocks(workers, 2, half -> {
                float[] gc = new float[CHUNK], mc = new float[CHUNK], vc = new float[CHUNK];
                float[] pc = p == null ? null : new float[CHUNK];
                int from = offset + (int) ((long) n * half / 2), to = offset + (int) ((long) n * (half + 1) / 2);
                for (int k = 0; k < partStart.length; k++) {
                    int start = Math.max(from, partStart[k]), end = Math.min(to, partEnd[k]);
                    final float sk = scale[k];
                    final boolean scaled = !Float.isNaN(sk);
                    for (int at = start; at < end; at += CHUNK) {
                        int len = Math.min(CHUNK, end - at), s = at - offset;
                        g.get(at, gc, 0, len);
                        mb.get(s, mc, 0, len);
                        vb.get(s, vc, 0, len);
                        for (int i = 0; i < len; i++) {
                            float gi = gc[i] / divisor;                      // ND4J's divi(batch size); exact for 1
                            if (scaled) {
                                gi *= sk;                                     // ND4J's muli(threshold / norm)
                            }
                            float mi = beta1 * mc[i] + gi * oneMinusBeta1;
                            float vi = beta2 * vc[i] + gi * gi * oneMinusBeta2;
                            mc[i] = mi;
                            vc[i] = vi;
                            gc[i] = (mi * alpha) / ((float) Math.sqrt(vi) + epsilon);
                        }
                        g.put(at, gc, 0, len);
                        mb.put(s, mc, 0, len);
                        vb.put(s, vc, 0, len);
                        if (pc != null) {                                     // DL4J's step: params.subi(update)
                            p.get(at, pc, 0, len);
                            for (int i = 0; i < len; i++) {
                                pc[i] -= gc[i];
                            }
                            p.put(at, pc, 0, len);
                        }
                    }
                }
            });
        }

        /** Whether a step on {@code gradient} takes the Java loop (else ND4J's op). */
        boolean javaPath(INDArray gradient) {
            return m != null && v != null && contiguousFloats(gradient, m.length()) && contiguousFloats(m, m.length())
                    && contiguousFloats(v, m.length()) && sameElementOrder(gradient, m) && sameElementOrder(m, v);
        }

        /** Whether the i-th stored element of {@code a} is the i-th of {@code b}: both vectors, or alike in shape and order. */
        private static boolean sameElementOrder(INDArray a, INDArray b) {
            boolean vectors = (a.rank() <= 1 || a.isVector()) && (b.rank() <= 1 || b.isVector());
            return vectors || a.ordering() == b.ordering() && java.util.Arrays.equals(a.shape(), b.shape());
        }

        /** A float array of {@code n} elements stored one after another (ND4J's "ews 1"), in any order. */
        private static boolean contiguousFloats(INDArray a, long n) {
            return a.dataType() == DataType.FLOAT && a.length() == n && n < Integer.MAX_VALUE
                    && (a.length() <= 1 || a.elementWiseStride() == 1) && FastLstmLayer.span(a) == n;
        }
    }
}
