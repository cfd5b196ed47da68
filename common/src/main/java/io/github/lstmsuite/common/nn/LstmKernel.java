package io.github.lstmsuite.common.nn;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.nio.FloatBuffer;

import org.bytedeco.javacpp.FloatPointer;

/**
 * The arithmetic of one LSTM layer over a slice of a mini-batch: forward pass, backward pass and
 * weight gradients, with the memory it needs kept between calls. No ND4J op is used: matrix products
 * go straight to OpenBLAS ({@code cblas_sgemm}) and the gate non-linearities are plain Java loops, so a
 * time step costs one matrix product plus one pass over the gates, with no per-op overhead and no
 * layout copies. {@link FastLstmLayer} cuts a batch into slices and runs one kernel per core.
 *
 * <h2>The maths (DL4J's LSTM, no peepholes)</h2>
 * Per time step, with DL4J's gate order {@code [g | f | o | i]} along the 4H columns:
 * <pre>
 *   z = x_t·W + h_{t-1}·RW + b                     [rows, 4H]
 *   g = tanh(z_g)   f = σ(z_f)   o = σ(z_o)   i = σ(z_i)
 *   c_t = m_t · (f ⊙ c_{t-1} + i ⊙ g)              m_t: the mask (1 when there is no mask)
 *   h_t = m_t · (o ⊙ tanh(f ⊙ c_{t-1} + i ⊙ g))
 * </pre>
 * (PyTorch orders the gates {@code [i | f | g | o]} and keeps two biases; see {@code LstmWeights}.)
 *
 * <h2>Memory layout</h2>
 * The caller's arrays use DL4J's activation layout, column-major ({@code 'f'}) {@code [batch, size, time]}:
 * element {@code (b, k, t)} at {@code b + batch·(k + size·t)}, so one time step is a column-major
 * {@code [batch, size]} matrix. The kernel's own buffers stack all time steps of its {@code rows}
 * examples as one column-major matrix with {@code L = steps·rows} rows, row {@code t·rows + b}: that
 * makes the input projection, the weight gradients and the input gradient one large product each
 * over all steps, while each step's recurrent product works on a block of {@code rows} rows.
 */
final class LstmKernel implements AutoCloseable {

    private final int nIn;
    private final int hidden;

    private int steps;
    private int rows;
    private int capacityRows;

    // [L, nIn]: the inputs; [L, H]: h_{t-1} for each step; [L, 4H]: activated gates, then their gradients;
    // [L, H]: c_t (masked) and tanh of the unmasked cell; [L, nIn]: gradient of the inputs.
    private Block xs;
    private Block hPrev;
    private Block gates;
    private Block cells;
    private Block tanhCells;
    private Block dxs;
    // [rows, H]: the gradients flowing back to the previous step.
    private Block dhNext;
    private Block dcNext;

    LstmKernel(int nIn, int hidden) {
        this.nIn = nIn;
        this.hidden = hidden;
    }

    /** A batch's arrays, shared by all slices; see the class comment for their layout. */
    record Arrays(int batch, int steps, FloatBuffer x, FloatPointer w, FloatPointer rw, FloatBuffer bias,
                  FloatBuffer mask, FloatBuffer h0, FloatBuffer c0, FloatBuffer out,
                  FloatBuffer hLast, FloatBuffer cLast) {
    }

    /** Where a slice writes its weight gradients: {@code dW [nIn, 4H]}, {@code dRW [H, 4H]}, {@code db [4H]}. */
    record Gradients(FloatPointer dW, FloatPointer dRW, FloatBuffer dB) {
    }

    /**
     * Forward pass of rows {@code [from, from + rows)}: writes their outputs into {@code a.out} and, when
     * asked for, the last step's state into {@code a.hLast}/{@code a.cLast}; keeps what the backward
     * pass needs.
     */
    void forward(Arrays a, int from, int rows) {
        ensureCapacity(a.steps(), rows);
        final int B = a.batch(), T = a.steps(), H = hidden, I = nIn;
        final int L = T * rows;
        final FloatBuffer x = a.x(), gate = gates.buf, hp = hPrev.buf, cell = cells.buf, tc = tanhCells.buf;
        final FloatBuffer xb = xs.buf, bias = a.bias(), mask = a.mask(), out = a.out();

        // x slice -> xs [L, I]
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < I; i++) {
                int src = from + B * (i + I * t);
                int dst = t * rows + L * i;
                for (int b = 0; b < rows; b++) {
                    xb.put(dst + b, x.get(src + b));
                }
            }
        }
        // h_{-1}: the given state or zeros.
        for (int j = 0; j < H; j++) {
            for (int b = 0; b < rows; b++) {
                hp.put(b + L * j, a.h0() == null ? 0f : a.h0().get(from + b + B * j));
            }
        }

        // Input projection for all steps at once: gates[L, 4H] = xs[L, I] · W[I, 4H].
        sgemm(false, false, L, 4 * H, I, xs.ptr, 0, L, a.w(), 0, I, 0f, gates.ptr, 0, L);

        for (int t = 0; t < T; t++) {
            final int r0 = t * rows;
            // Recurrent part: gates_t[rows, 4H] += h_{t-1}[rows, H] · RW[H, 4H].
            sgemm(false, false, rows, 4 * H, H, hPrev.ptr, r0, L, a.rw(), 0, H, 1f, gates.ptr, r0, L);

            for (int j = 0; j < H; j++) {
                final int ig = r0 + L * j, jf = r0 + L * (H + j), jo = r0 + L * (2 * H + j), ji = r0 + L * (3 * H + j);
                final float bg = bias.get(j), bf = bias.get(H + j), bo = bias.get(2 * H + j), bi = bias.get(3 * H + j);
                final int cj = r0 + L * j;
                for (int b = 0; b < rows; b++) {
                    float g = tanh(gate.get(ig + b) + bg);
                    float f = sigmoid(gate.get(jf + b) + bf);
                    float o = sigmoid(gate.get(jo + b) + bo);
                    float in = sigmoid(gate.get(ji + b) + bi);
                    gate.put(ig + b, g);
                    gate.put(jf + b, f);
                    gate.put(jo + b, o);
                    gate.put(ji + b, in);
                    float cPrev = t > 0 ? cell.get(cj - rows + b)
                            : (a.c0() == null ? 0f : a.c0().get(from + b + B * j));
                    float c = f * cPrev + in * g;
                    float tanhC = tanh(c);
                    float m = mask == null ? 1f : mask.get(from + b + B * t);
                    float h = m * o * tanhC;
                    cell.put(cj + b, m * c);
                    tc.put(cj + b, tanhC);
                    out.put(from + b + B * (j + H * t), h);
                    if (t + 1 < T) {
                        hp.put(cj + rows + b, h);
                    }
                }
            }
        }
        if (a.hLast() != null) {
            final int r = (T - 1) * rows;
            for (int j = 0; j < H; j++) {
                for (int b = 0; b < rows; b++) {
                    a.hLast().put(from + b + B * j, out.get(from + b + B * (j + H * (T - 1))));
                    a.cLast().put(from + b + B * j, cell.get(r + b + L * j));
                }
            }
        }
    }

    /**
     * Backward pass of the slice last run forward: {@code eps} is dLoss/dOutput ({@code [batch, H, T]}),
     * {@code epsOut} receives dLoss/dInput ({@code [batch, nIn, T]}), {@code grads} the weight gradients of
     * this slice (overwritten, not accumulated). Steps before {@code firstStep} are not back-propagated
     * (truncated BPTT); their input gradients are zero.
     */
    void backward(Arrays a, int from, FloatBuffer eps, int firstStep, FloatBuffer epsOut, Gradients grads) {
        final int B = a.batch(), T = steps, H = hidden, I = nIn;
        if (a.steps() != T) {
            throw new IllegalStateException("backward over " + a.steps() + " steps after a forward over " + T);
        }
        final int L = T * rows;
        final FloatBuffer gate = gates.buf, cell = cells.buf, tc = tanhCells.buf, mask = a.mask();
        final FloatBuffer dh = dhNext.buf, dc = dcNext.buf;
        for (int k = 0; k < rows * H; k++) {
            dh.put(k, 0f);
            dc.put(k, 0f);
        }
        for (int t = T - 1; t >= firstStep; t--) {
            final int r0 = t * rows;
            for (int j = 0; j < H; j++) {
                final int ig = r0 + L * j, jf = r0 + L * (H + j), jo = r0 + L * (2 * H + j), ji = r0 + L * (3 * H + j);
                final int cj = r0 + L * j;
                for (int b = 0; b < rows; b++) {
                    final int s = b + rows * j;
                    float m = mask == null ? 1f : mask.get(from + b + B * t);
                    float dhr = m * (eps.get(from + b + B * (j + H * t)) + dh.get(s));
                    float g = gate.get(ig + b), f = gate.get(jf + b), o = gate.get(jo + b), in = gate.get(ji + b);
                    float tanhC = tc.get(cj + b);
                    float cPrev = t > 0 ? cell.get(cj - rows + b)
                            : (a.c0() == null ? 0f : a.c0().get(from + b + B * j));
                    float dcr = m * dc.get(s) + dhr * o * (1f - tanhC * tanhC);
                    gate.put(jo + b, dhr * tanhC * o * (1f - o));
                    gate.put(ji + b, dcr * g * in * (1f - in));
                    gate.put(ig + b, dcr * in * (1f - g * g));
                    gate.put(jf + b, dcr * cPrev * f * (1f - f));
                    dc.put(s, dcr * f);
                }
            }
            if (t > firstStep) {
                // dh_{t-1}[rows, H] = dz_t[rows, 4H] · RWᵀ
                sgemm(false, true, rows, H, 4 * H, gates.ptr, r0, L, a.rw(), 0, H, 0f, dhNext.ptr, 0, rows);
            }
        }

        // Weight gradients and the input gradient: one product each over all back-propagated steps.
        final int r0 = firstStep * rows;
        final int n = L - r0;
        sgemm(true, false, I, 4 * H, n, xs.ptr, r0, L, gates.ptr, r0, L, 0f, grads.dW(), 0, I);
        sgemm(true, false, H, 4 * H, n, hPrev.ptr, r0, L, gates.ptr, r0, L, 0f, grads.dRW(), 0, H);
        for (int k = 0; k < 4 * H; k++) {
            float sum = 0f;
            int base = r0 + L * k;
            for (int r = 0; r < n; r++) {
                sum += gate.get(base + r);
            }
            grads.dB().put(k, sum);
        }
        sgemm(false, true, n, I, 4 * H, gates.ptr, r0, L, a.w(), 0, I, 0f, dxs.ptr, r0, L);
        final FloatBuffer dx = dxs.buf;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < I; i++) {
                int dst = from + B * (i + I * t);
                int src = t * rows + L * i;
                for (int b = 0; b < rows; b++) {
                    epsOut.put(dst + b, t < firstStep ? 0f : dx.get(src + b));
                }
            }
        }
    }

    /** Column-major {@code C = alpha·op(A)·op(B) + beta·C}, offsets in elements. */
    private static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                              FloatPointer a, long aOff, int lda, FloatPointer b, long bOff, int ldb,
                              float beta, FloatPointer c, long cOff, int ldc) {
        cblas_sgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, 1f, at(a, aOff), lda, at(b, bOff), ldb, beta, at(c, cOff), ldc);
    }

    private static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }

    static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }

    static float tanh(float z) {
        float e = (float) Math.exp(-2f * Math.abs(z));
        float t = (1f - e) / (1f + e);
        return z < 0 ? -t : t;
    }

    private void ensureCapacity(int steps, int rows) {
        this.steps = steps;
        this.rows = rows;
        int need = steps * rows;
        if (xs != null && need <= capacityRows && (long) rows * hidden <= dhNext.capacity) {
            return;
        }
        int cap = Math.max(need, capacityRows);
        int capRows = Math.max(rows, dhNext == null ? 0 : (int) (dhNext.capacity / hidden));
        close();
        xs = new Block((long) cap * nIn);
        hPrev = new Block((long) cap * hidden);
        gates = new Block((long) cap * 4 * hidden);
        cells = new Block((long) cap * hidden);
        tanhCells = new Block((long) cap * hidden);
        dxs = new Block((long) cap * nIn);
        dhNext = new Block((long) capRows * hidden);
        dcNext = new Block((long) capRows * hidden);
        capacityRows = cap;
    }

    /** Frees the native buffers now rather than at garbage collection. */
    @Override
    public void close() {
        for (Block b : new Block[]{xs, hPrev, gates, cells, tanhCells, dxs, dhNext, dcNext}) {
            if (b != null) {
                b.ptr.close();
            }
        }
        capacityRows = 0;
    }

    /** Native memory seen both as a pointer (for BLAS) and as a buffer (for Java loops). */
    static final class Block {
        final FloatPointer ptr;
        final FloatBuffer buf;
        final long capacity;

        Block(long floats) {
            this.capacity = Math.max(1, floats);
            this.ptr = new FloatPointer(capacity);
            this.buf = ptr.asBuffer();
        }
    }
}
