package io.github.lstmsuite.layers;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A matrix product on the LSTM layers' worker threads: {@code C = op(A)·op(B)} for float32 2-D arrays,
 * computed as two halves of C's columns (in C's own storage order), each by one {@code sgemm} on its
 * own core (oneDNN's when B is transposed, else OpenBLAS's). ND4J's products run on one thread
 * ({@code NativeSetup}: the fastest setting for its many small ops); the output layer's three large products per step (logits, weight
 * gradient, input gradient: 830 × 256 × 3,084 each in the translator) are worth both cores.
 *
 * <p>Always two halves, whatever the number of threads (one thread computes both in turn), so the numbers
 * do not depend on the core count, as with {@link FastLstmLayer}'s blocks.
 */
final class Gemm {
    private Gemm() {
    }

    /** A 2-D array as BLAS sees it: column-major with leading dimension {@code ld}, or (rowMajor) its transpose. */
    private record View(FloatPointer p, int ld, boolean rowMajor) {
    }

    private static View view(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.rank() != 2) {
            return null;
        }
        long rows = x.size(0), cols = x.size(1), s0 = x.stride(0), s1 = x.stride(1);
        FloatPointer p = FastLstmLayer.pointer(x);
        if (s0 == 1 || rows == 1) {
            long ld = cols == 1 ? Math.max(1, rows) : s1;
            return ld >= Math.max(1, rows) ? new View(p, (int) ld, false) : null;
        }
        if (s1 == 1 || cols == 1) {
            long ld = rows == 1 ? Math.max(1, cols) : s0;
            return ld >= Math.max(1, cols) ? new View(p, (int) ld, true) : null;
        }
        return null;
    }

    /**
     * {@code c = op(a)·op(b)} (overwritten), {@code op} a transpose when its flag is set. Returns false, having
     * done nothing, when an array is not float32 or not laid out as BLAS reads it (the caller then uses ND4J).
     */
    static boolean product(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, int workers) {
        View va = view(a), vb = view(b), vc = view(c);
        if (va == null || vb == null || vc == null) {
            return false;
        }
        long m = transA ? a.size(1) : a.size(0), k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        if ((transB ? b.size(1) : b.size(0)) != k || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("shapes do not multiply: " + java.util.Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + java.util.Arrays.toString(b.shape()) + (transB ? "ᵀ" : "")
                    + " → " + java.util.Arrays.toString(c.shape()));
        }
        if (vc.rowMajor()) {                    // C stored row-major: compute Cᵀ = op(B)ᵀ·op(A)ᵀ column-major
            View t = va;
            va = vb;
            vb = t;
            boolean tt = transA;
            transA = !transB;
            transB = !tt;
            long tm = m;
            m = n;
            n = tm;
        }
        final View A = va, B = vb, C = vc;
        final boolean effA = transA ^ A.rowMajor(), effB = transB ^ B.rowMajor();
        final int M = (int) m, N = (int) n, K = (int) k;
        // B read transposed (as the output layer's row-major W and δ are): oneDNN's sgemm, which runs such
        // products faster than OpenBLAS 0.3.19 (δ·Wᵀ, 830 × 256 × 3,084 a half: 81 → 108 GFLOP/s on one core);
        // an untransposed B stays with OpenBLAS, as fast or faster there (xᵀ·δ-like products: 94 against 82)
        final boolean dnnl = effB && LstmKernel.dnnlSgemm();
        int omp = dnnl ? DnnlLstm.ompThreads(1) : -1;
        try {
            FastLstmLayer.runBlocks(workers, 2, half -> {
                int n0 = N * half / 2, n1 = N * (half + 1) / 2;
                if (n1 > n0) {
                    if (dnnl) {
                        DnnlLstm.ompThreads(1);                     // this thread's oneDNN calls: one OpenMP thread
                    }
                    long bOff = effB ? n0 : (long) n0 * B.ld();        // column j of op(B)
                    LstmKernel.sgemm(dnnl, effA, effB, M, n1 - n0, K, A.p(), A.ld(), at(B.p(), bOff), B.ld(), 0f,
                            at(C.p(), (long) n0 * C.ld()), C.ld());
                }
            });
        } finally {
            LstmKernel.restoreOmpThreads(omp);
        }
        return true;
    }

    private static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }
}
