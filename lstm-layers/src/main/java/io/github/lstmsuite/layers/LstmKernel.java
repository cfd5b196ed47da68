package io.github.lstmsuite.layers;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

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
 * {@code [batch, size]} matrix; the input and the output gradient may have any strides (they are only
 * read, element by element or in runs of the batch when its stride is 1). The kernel's own buffers stack
 * all time steps of its {@code rows} examples as one column-major matrix with {@code L = steps·rows} rows,
 * row {@code t·rows + b}: that makes the input projection, the weight gradients and the input gradient one
 * large product each over all steps, while each step's recurrent product works on a block of {@code rows}
 * rows. (OpenBLAS runs these products far faster with the batch as their rows than as their columns:
 * {@code [16, 256]·[256, 1024]} at 78–80 GFLOP/s, {@code [1024, 256]·[256, 16]} at 47–49.)
 */
final class LstmKernel implements AutoCloseable {

    private final int nIn;
    private final int hidden;
    private final boolean dnnlSgemm = dnnlSgemm();   // which library computes the products, chosen when made

    private int steps;
    private int rows;
    private int capacity;          // steps·rows the all-step buffers hold
    private int capacityRows;      // rows the per-step buffers hold
    private boolean trained;       // the last forward pass kept what backward() needs

    // Native (BLAS operands), all steps stacked as L = steps·rows rows, column-major:
    //   xs    [L, nIn + 1]  the inputs, and a last column of ones (it adds the bias, and sums dz for db)
    //   wb    [nIn + 1, 4H] W with the bias as its last row
    //   hPrev [L, H]        h_{t-1} of each step
    //   gates [L, 4H]       pre-activations z; in the backward pass, dLoss/dz
    //   dxs   [L, nIn]      dLoss/dx
    //   dhNext [rows, H]    dLoss/dh_{t-1} from step t
    private Block xs;
    private Block wb;
    private Block hPrev;
    private Block gates;
    private Block dxs;
    private Block dhNext;

    // Heap (Java loops): per step, n = H·rows floats indexed q = unit·rows + row, so every loop below
    // reads and writes index q only, which lets the JIT turn it into SIMD code.
    //   all steps [T·n], kept for the backward pass (training only): the activated gates g, f, o, i;
    //   c_t (masked); tanh of the unmasked cell
    private float[] gAll = new float[0];
    private float[] fAll = new float[0];
    private float[] oAll = new float[0];
    private float[] iAll = new float[0];
    private float[] cAll = new float[0];
    private float[] tcAll = new float[0];
    //   one step [n]
    private float[] g = new float[0];
    private float[] f = new float[0];
    private float[] o = new float[0];
    private float[] in = new float[0];
    private float[] c = new float[0];
    private float[] tc = new float[0];
    private float[] cPrev = new float[0];
    private float[] h = new float[0];
    private float[] dh = new float[0];
    private float[] dc = new float[0];
    private float[] dcx = new float[0];
    private float[] dzg = new float[0];
    private float[] dzf = new float[0];
    private float[] dzo = new float[0];
    private float[] dzi = new float[0];
    private float[] m = new float[0];      // the step's mask
    // Copies of what the backward pass needs from the caller's arrays, taken in the forward pass: the
    // caller's mask copy and initial state may live in a DL4J workspace that another layer reuses
    // before this layer's backward pass runs, so the kernel never reads them after forward() returns.
    private float[] maskAll = new float[0];   // [T·rows], step t's mask at t·rows
    private boolean masked;
    private float[] c0Own = new float[0];     // [n], c_{-1} (when an initial state was given)
    private boolean hasC0;

    LstmKernel(int nIn, int hidden) {
        this.nIn = nIn;
        this.hidden = hidden;
    }

    /**
     * A batch's arrays, shared by all slices; see the class comment for their layout. The input {@code x}
     * may have any strides ({@code xStrides}): DL4J hands a layer views (an embedding's permuted output, the
     * output layer's gradient reshaped to 3-D), which the kernel reads in place instead of copying.
     */
    record Arrays(int batch, int steps, FloatBuffer x, Strides xStrides, FloatPointer w, FloatBuffer wValues,
                  FloatPointer rw, FloatBuffer bias, FloatBuffer mask, FloatBuffer h0, FloatBuffer c0, FloatBuffer out,
                  FloatBuffer hLast, FloatBuffer cLast) {
    }

    /**
     * The strides of a {@code [batch, size, time]} array, in elements: its element {@code (i, j, s)} is at
     * {@code i·b + j·k + s·t} (DL4J's column-major layout: {@code b = 1, k = batch, t = batch·size}).
     */
    record Strides(long b, long k, long t) {
        long at(long b, long k, long t) {
            return b * this.b + k * this.k + t * this.t;
        }
    }

    /** Where a slice writes its weight gradients: {@code dW [nIn, 4H]}, {@code dRW [H, 4H]}, {@code db [4H]}. */
    record Gradients(FloatPointer dW, FloatPointer dRW, FloatPointer dB) {
        /** dW, dRW, dB for 0, 1, 2. */
        FloatPointer part(int v) {
            return v == 0 ? dW : v == 1 ? dRW : dB;
        }
    }

    /**
     * Forward pass of rows {@code [from, from + rows)}: writes their outputs into {@code a.out} and, when
     * {@code a.hLast} is given, the last step's state into {@code a.hLast}/{@code a.cLast}. With
     * {@code training}, keeps the activations of every step for {@link #backward}; without (inference),
     * keeps only the current step's.
     */
    void forward(Arrays a, int from, int rows, boolean training) {
        int omp = oneOmpThread();
        try {
            forwardRows(a, from, rows, training);
        } finally {
            restoreOmpThreads(omp);
        }
    }

    private void forwardRows(Arrays a, int from, int rows, boolean training) {
        ensureCapacity(a.steps(), rows, training);
        trained = training;
        final int B = a.batch(), T = a.steps(), H = hidden, I = nIn, L = T * rows, n = H * rows, I1 = I + 1;
        final FloatBuffer x = a.x(), gate = gates.buf, hp = hPrev.buf, xb = xs.buf, out = a.out();

        // xs[L, I] <- this slice of x; wb <- [W; b]
        final Strides xst = a.xStrides();
        final int sb = (int) xst.b();
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < I; i++) {
                int src = (int) xst.at(from, i, t), dst = t * rows + L * i;
                if (sb == 1) {
                    xb.put(dst, x, src, rows);
                } else {
                    for (int b = 0; b < rows; b++) {
                        xb.put(dst + b, x.get(src + b * sb));
                    }
                }
            }
        }
        for (int k = 0; k < 4 * H; k++) {
            for (int i = 0; i < I; i++) {
                wb.buf.put(i + I1 * k, a.wValues().get(i + I * k));
            }
            wb.buf.put(I + I1 * k, a.bias().get(k));
        }
        masked = a.mask() != null;
        if (masked) {
            for (int t = 0; t < T; t++) {
                a.mask().get(from + B * t, maskAll, t * rows, rows);
            }
        }
        hasC0 = a.c0() != null;
        // h_{-1}, c_{-1}: the given state or zeros.
        for (int j = 0; j < H; j++) {
            if (a.h0() == null) {
                java.util.Arrays.fill(h, j * rows, (j + 1) * rows, 0f);
                java.util.Arrays.fill(cPrev, j * rows, (j + 1) * rows, 0f);
            } else {
                a.h0().get(from + B * j, h, j * rows, rows);
                a.c0().get(from + B * j, cPrev, j * rows, rows);
            }
            hp.put(L * j, h, j * rows, rows);
        }
        if (hasC0) {
            System.arraycopy(cPrev, 0, c0Own, 0, n);
        }

        // Input projection and bias for all steps at once: gates[L, 4H] = [xs | 1][L, I+1] · [W; b].
        sgemm(false, false, L, 4 * H, I1, xs.ptr, 0, L, wb.ptr, 0, I1, 0f, gates.ptr, 0, L);

        for (int t = 0; t < T; t++) {
            final int r0 = t * rows;
            // Recurrent part: gates_t[rows, 4H] += h_{t-1}[rows, H] · RW[H, 4H].
            sgemm(false, false, rows, 4 * H, H, hPrev.ptr, r0, L, a.rw(), 0, H, 1f, gates.ptr, r0, L);
            for (int j = 0; j < H; j++) {
                gate.get(r0 + L * j, g, j * rows, rows);
                gate.get(r0 + L * (H + j), f, j * rows, rows);
                gate.get(r0 + L * (2 * H + j), o, j * rows, rows);
                gate.get(r0 + L * (3 * H + j), in, j * rows, rows);
            }
            gatesForward(g, f, o, in, cPrev, c, tc, h, n);
            if (stepMask(t, rows)) {
                for (int j = 0; j < H; j++) {
                    for (int b = 0; b < rows; b++) {
                        c[j * rows + b] *= m[b];
                        h[j * rows + b] *= m[b];
                    }
                }
            }
            if (training) {
                final int s0 = t * n;
                System.arraycopy(g, 0, gAll, s0, n);
                System.arraycopy(f, 0, fAll, s0, n);
                System.arraycopy(o, 0, oAll, s0, n);
                System.arraycopy(in, 0, iAll, s0, n);
                System.arraycopy(c, 0, cAll, s0, n);
                System.arraycopy(tc, 0, tcAll, s0, n);
            }
            System.arraycopy(c, 0, cPrev, 0, n);
            for (int j = 0; j < H; j++) {
                out.put(from + B * (j + H * t), h, j * rows, rows);
                if (t + 1 < T) {
                    hp.put(r0 + rows + L * j, h, j * rows, rows);
                }
            }
        }
        if (a.hLast() != null) {
            for (int j = 0; j < H; j++) {
                a.hLast().put(from + B * j, h, j * rows, rows);
                a.cLast().put(from + B * j, c, j * rows, rows);
            }
        }
    }

    /**
     * One step's gates, in place: z → activations, then {@code c = f·cPrev + i·g}, {@code tc = tanh(c)},
     * {@code h = o·tc} (unmasked).
     */
    private static void gatesForward(float[] g, float[] f, float[] o, float[] in, float[] cPrev, float[] c,
                                     float[] tc, float[] h, int n) {
        for (int q = 0; q < n; q++) {
            g[q] = tanh(g[q]);
        }
        for (int q = 0; q < n; q++) {
            f[q] = sigmoid(f[q]);
        }
        for (int q = 0; q < n; q++) {
            o[q] = sigmoid(o[q]);
        }
        for (int q = 0; q < n; q++) {
            in[q] = sigmoid(in[q]);
        }
        // Separate loops, each writing one array at index q: the JIT vectorises these, not a fused loop.
        for (int q = 0; q < n; q++) {
            c[q] = f[q] * cPrev[q] + in[q] * g[q];
        }
        for (int q = 0; q < n; q++) {
            tc[q] = tanh(c[q]);
        }
        for (int q = 0; q < n; q++) {
            h[q] = o[q] * tc[q];
        }
    }

    /** Loads step t's mask of this slice into {@code m}; false (and nothing loaded) without a mask. */
    private boolean stepMask(int t, int rows) {
        if (!masked) {
            return false;
        }
        System.arraycopy(maskAll, t * rows, m, 0, rows);
        return true;
    }

    /**
     * Backward pass of the slice last run forward: {@code eps} is dLoss/dOutput ({@code [batch, H, T - epsFrom]}:
     * the steps from {@code epsFrom}, zero before),
     * {@code epsOut} receives dLoss/dInput ({@code [batch, nIn, T]}; null: not computed), {@code grads} the weight gradients of
     * this slice (overwritten, not accumulated). Steps before {@code firstStep} are not back-propagated
     * (truncated BPTT); their input gradients are zero. {@code eps} may have any strides ({@code epsStrides});
     * {@code epsOut} is column-major. {@code rwT} is RWᵀ, column-major {@code [4H, H]}.
     */
    void backward(Arrays a, int from, FloatBuffer eps, Strides epsStrides, int epsFrom, int firstStep, FloatBuffer epsOut,
                  FloatPointer rwT, Gradients grads) {
        int omp = oneOmpThread();
        try {
            backwardRows(a, from, eps, epsStrides, epsFrom, firstStep, epsOut, rwT, grads);
        } finally {
            restoreOmpThreads(omp);
        }
    }

    private void backwardRows(Arrays a, int from, FloatBuffer eps, Strides epsStrides, int epsFrom, int firstStep,
                              FloatBuffer epsOut, FloatPointer rwT, Gradients grads) {
        final int B = a.batch(), T = steps, H = hidden, I = nIn, rows = this.rows, n = H * rows;
        if (a.steps() != T) {
            throw new IllegalStateException("backward over " + a.steps() + " steps after a forward over " + T);
        }
        if (!trained) {
            throw new IllegalStateException("backward after an inference forward pass (it keeps no activations)");
        }
        final int L = T * rows;
        final FloatBuffer gate = gates.buf;
        // dh holds dLoss/dh_t (from the output and from step t+1); dc holds dLoss/dc_t from step t+1.
        java.util.Arrays.fill(dh, 0, n, 0f);
        java.util.Arrays.fill(dc, 0, n, 0f);
        final int eb = (int) epsStrides.b();
        for (int t = T - 1; t >= firstStep; t--) {
            final int r0 = t * rows, s0 = t * n;
            if (t >= epsFrom) {                                             // eps_t = 0 before epsFrom
                for (int j = 0; j < H; j++) {                               // h: scratch for eps_t
                    int src = (int) epsStrides.at(from, j, t - epsFrom);
                    if (eb == 1) {
                        eps.get(src, h, j * rows, rows);
                    } else {
                        for (int b = 0; b < rows; b++) {
                            h[j * rows + b] = eps.get(src + b * eb);
                        }
                    }
                }
                for (int q = 0; q < n; q++) {
                    dh[q] += h[q];
                }
            }
            if (stepMask(t, rows)) {        // a masked step passes nothing back
                for (int j = 0; j < H; j++) {
                    for (int b = 0; b < rows; b++) {
                        dh[j * rows + b] *= m[b];
                        dc[j * rows + b] *= m[b];
                    }
                }
            }
            System.arraycopy(gAll, s0, g, 0, n);
            System.arraycopy(fAll, s0, f, 0, n);
            System.arraycopy(oAll, s0, o, 0, n);
            System.arraycopy(iAll, s0, in, 0, n);
            System.arraycopy(tcAll, s0, tc, 0, n);
            if (t > 0) {
                System.arraycopy(cAll, s0 - n, cPrev, 0, n);
            } else if (!hasC0) {
                java.util.Arrays.fill(cPrev, 0, n, 0f);
            } else {
                System.arraycopy(c0Own, 0, cPrev, 0, n);
            }
            gatesBackward(n);
            for (int j = 0; j < H; j++) {
                gate.put(r0 + L * j, dzg, j * rows, rows);
                gate.put(r0 + L * (H + j), dzf, j * rows, rows);
                gate.put(r0 + L * (2 * H + j), dzo, j * rows, rows);
                gate.put(r0 + L * (3 * H + j), dzi, j * rows, rows);
            }
            if (t > firstStep) {
                // dh_{t-1}[rows, H] = dz_t[rows, 4H] · RWᵀ[4H, H]
                sgemm(false, false, rows, H, 4 * H, gates.ptr, r0, L, rwT, 0, 4 * H, 0f, dhNext.ptr, 0, rows);
                dhNext.buf.get(0, dh, 0, n);
            }
        }

        // Weight gradients and the input gradient: one product each over all back-propagated steps.
        final int r0 = firstStep * rows;
        final int k = L - r0;
        sgemm(true, false, I, 4 * H, k, xs.ptr, r0, L, gates.ptr, r0, L, 0f, grads.dW(), 0, I);
        sgemm(true, false, H, 4 * H, k, hPrev.ptr, r0, L, gates.ptr, r0, L, 0f, grads.dRW(), 0, H);
        // db[4H] = dzᵀ · 1, the 1s being xs's last column
        cblas_sgemv(CblasColMajor, CblasTrans, k, 4 * H, 1f, at(gates.ptr, r0), L, at(xs.ptr, (long) L * I + r0), 1,
                0f, grads.dB(), 1);
        if (epsOut == null) {
            return;                                 // the input is data: no dLoss/dInput
        }
        sgemm(false, true, k, I, 4 * H, gates.ptr, r0, L, a.w(), 0, I, 0f, dxs.ptr, r0, L);
        final FloatBuffer dx = dxs.buf;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < I; i++) {
                int dst = from + B * (i + I * t), src = t * rows + L * i;
                for (int b = 0; b < rows; b++) {
                    epsOut.put(dst + b, t < firstStep ? 0f : dx.get(src + b));
                }
            }
        }
    }

    /**
     * One step backwards. In: the activations g, f, o, in; tc = tanh(c_t); cPrev = c_{t-1};
     * dh = dLoss/dh_t; dc = dLoss/dc_t from step t+1 (both already masked). Out: dzg, dzf, dzo, dzi =
     * dLoss/dz of the four gates; dc = dLoss/dc_{t-1}.
     */
    private void gatesBackward(int n) {
        final float[] g = this.g, f = this.f, o = this.o, in = this.in, tc = this.tc, cPrev = this.cPrev,
                dh = this.dh, dc = this.dc, dcx = this.dcx, dzg = this.dzg, dzf = this.dzf, dzo = this.dzo, dzi = this.dzi;
        for (int q = 0; q < n; q++) {
            dcx[q] = dc[q] + dh[q] * o[q] * (1f - tc[q] * tc[q]);          // dLoss/dc_t
        }
        for (int q = 0; q < n; q++) {
            dzo[q] = dh[q] * tc[q] * o[q] * (1f - o[q]);
        }
        for (int q = 0; q < n; q++) {
            dzi[q] = dcx[q] * g[q] * in[q] * (1f - in[q]);
        }
        for (int q = 0; q < n; q++) {
            dzg[q] = dcx[q] * in[q] * (1f - g[q] * g[q]);
        }
        for (int q = 0; q < n; q++) {
            dzf[q] = dcx[q] * cPrev[q] * f[q] * (1f - f[q]);
        }
        for (int q = 0; q < n; q++) {
            dc[q] = dcx[q] * f[q];                                          // dLoss/dc_{t-1}
        }
    }

    /** Column-major {@code C = alpha·op(A)·op(B) + beta·C}, offsets in elements. */
    /**
     * Which library computes the kernel's products: oneDNN's {@code dnnl_sgemm} where oneDNN loads (system
     * property {@code lstm.suite.sgemm=dnnl}, the default), else OpenBLAS's {@code cblas_sgemm}
     * ({@code lstm.suite.sgemm=openblas}, or {@code lstm.suite.dnnl=false}). At these shapes oneDNN's
     * just-in-time AVX-512 kernels are faster than OpenBLAS 0.3.19's: one thread, h = 128, a 32-row block,
     * the step's product {@code [32, 128]·[128, 512]} 83 → 107 GFLOP/s, the backward step's
     * {@code [32, 512]·[512, 128]} 79 → 110, the input gradient 66 → 108; slower only at h = 64's recurrent-weight
     * gradient, by 3 % (92 → 89; benchmarks/README).
     */
    static boolean dnnlSgemm() {
        return !"openblas".equals(System.getProperty("lstm.suite.sgemm", "dnnl")) && DnnlLstm.available();
    }

    /** One OpenMP thread for this thread's oneDNN products (the workers are the parallelism); the count before, or −1. */
    private int oneOmpThread() {
        return dnnlSgemm ? DnnlLstm.ompThreads(1) : -1;
    }

    static void restoreOmpThreads(int before) {
        if (before > 0 && before != 1) {
            DnnlLstm.ompThreads(before);
        }
    }

    /** Column-major {@code c = op(a)·op(b) + beta·c} ({@code m × n}, inner size {@code k}), offsets in floats. */
    private void sgemm(boolean transA, boolean transB, int m, int n, int k,
                       FloatPointer a, long aOff, int lda, FloatPointer b, long bOff, int ldb,
                       float beta, FloatPointer c, long cOff, int ldc) {
        sgemm(dnnlSgemm, transA, transB, m, n, k, at(a, aOff), lda, at(b, bOff), ldb, beta, at(c, cOff), ldc);
    }

    /**
     * Column-major {@code c = op(a)·op(b) + beta·c} by oneDNN ({@code dnnl}; the calling thread's OpenMP
     * thread count applies) or OpenBLAS. Shared with {@link Gemm}.
     */
    static void sgemm(boolean dnnl, boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        if (dnnl) {
            // oneDNN is row-major: a column-major X is the row-major Xᵀ, so compute Cᵀ = op(B)ᵀ·op(A)ᵀ
            int status = org.bytedeco.dnnl.global.dnnl.dnnl_sgemm((byte) (transB ? 'T' : 'N'), (byte) (transA ? 'T' : 'N'),
                    n, m, k, 1f, b, ldb, a, lda, beta, c, ldc);
            if (status != 0) {
                throw new IllegalStateException("dnnl_sgemm failed with status " + status + " (m " + m + ", n " + n + ", k " + k + ")");
            }
            return;
        }
        cblas_sgemm(CblasColMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }

    private static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }

    /** σ(z) = (1 + tanh(z/2)) / 2. */
    static float sigmoid(float z) {
        return 0.5f + 0.5f * tanh(0.5f * z);
    }

    /**
     * tanh as a rational function (Eigen's float approximation: a degree-13 odd polynomial over a
     * degree-6 even one, input clamped to ±9); error below 4e-7. Unlike {@code Math.exp}, it is
     * plain arithmetic, so the JIT vectorises the gate loops: about 10× faster per element.
     */
    static float tanh(float x) {
        x = Math.max(-9f, Math.min(9f, x));
        float x2 = x * x;
        float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p * x / q;
    }

    private void ensureCapacity(int steps, int rows, boolean training) {
        this.steps = steps;
        this.rows = rows;
        int need = steps * rows;
        if (need > capacity || rows > capacityRows) {
            int cap = Math.max(need, capacity);
            int capRows = Math.max(rows, capacityRows);
            close();
            xs = new Block((long) cap * (nIn + 1));
            wb = new Block((long) (nIn + 1) * 4 * hidden);
            hPrev = new Block((long) cap * hidden);
            gates = new Block((long) cap * 4 * hidden);
            dxs = new Block((long) cap * nIn);
            dhNext = new Block((long) capRows * hidden);
            int one = capRows * hidden;
            gAll = new float[0];              // the all-step arrays: made below, for training only
            g = new float[one];
            f = new float[one];
            o = new float[one];
            in = new float[one];
            c = new float[one];
            tc = new float[one];
            cPrev = new float[one];
            h = new float[one];
            dh = new float[one];
            dc = new float[one];
            dcx = new float[one];
            dzg = new float[one];
            dzf = new float[one];
            dzo = new float[one];
            dzi = new float[one];
            m = new float[capRows];
            maskAll = new float[cap];
            c0Own = new float[one];
            capacity = cap;
            capacityRows = capRows;
        }
        if (training && gAll.length < capacity * hidden) {
            int all = capacity * hidden;
            gAll = new float[all];
            fAll = new float[all];
            oAll = new float[all];
            iAll = new float[all];
            cAll = new float[all];
            tcAll = new float[all];
        }
        // The column of ones after the inputs, for this call's L = steps·rows rows.
        for (int r = 0; r < need; r++) {
            xs.buf.put(need * nIn + r, 1f);
        }
    }

    /** Frees the native buffers now rather than at garbage collection. */
    @Override
    public void close() {
        for (Block b : new Block[]{xs, wb, hPrev, gates, dxs, dhNext}) {
            if (b != null) {
                b.ptr.close();
            }
        }
        capacity = 0;
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
