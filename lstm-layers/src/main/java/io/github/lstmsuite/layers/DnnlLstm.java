package io.github.lstmsuite.layers;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.lstm_backward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.global.dnnl.rnn_direction;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FastLstmLayer}'s arithmetic through oneDNN's LSTM primitive (Intel's deep-learning kernel library,
 * the one libtorch's own CPU LSTM calls), for the cases where it computes exactly DL4J's LSTM: no mask, or a
 * mask that keeps each sequence's first steps and drops the rest (right padding — every padded batch the
 * suite makes, the translator's reversed sentences included), in layers wide and long enough to pay for its
 * copies ({@link #worthIt}). Other masks, single steps, truncated BPTT shorter than the forward pass, and
 * machines without the library use {@link LstmKernel}.
 *
 * <p>Why it computes the same: DL4J zeroes {@code h} and {@code c} at a masked step. With right padding
 * nothing real follows a masked step, so running the padded steps unmasked and zeroing their outputs (and
 * the final state of a row whose last step is padding) gives DL4J's outputs; in the backward pass the
 * gradient arriving at padded steps is zeroed, so nothing flows from them into the real steps.
 *
 * <p>Layouts: inference has oneDNN read and write a block's sequences as {@code [rows, time, size]}
 * ({@code ntc}): the layer's output is then a row-major {@code [batch, time, H]} array that DL4J sees through a
 * permuted {@code [batch, H, time]} view, each block's rows of it one run of memory that oneDNN writes in
 * place, and an input laid out so (the output of a layer like this one) is read in place. (Transposing
 * oneDNN's output into DL4J's column-major layout, as before, took a fifth of an inference pass at 128 units.)
 * Training keeps {@code [time, rows, size]} ({@code tnc}) copies per block, which the backward pass reads
 * again: oneDNN's training passes ran 15–23 % slower in {@code ntc} (the char model), more than the copies
 * cost. DL4J's gate order {@code [g | f | o | i]} becomes oneDNN's {@code [i | f | g | o]}. {@code W}
 * (column-major {@code [nIn, 4H]}) is oneDNN's {@code ldgoi} layout up to the order of its four gate blocks,
 * which the backward pass reads (four block copies, training only); the forward pass needs {@code ldigo}
 * and oneDNN gives the weight gradients in it (a transpose each way, per pass; skipped while the weights
 * have not changed, as between inference passes).
 *
 * <p>Threads: each block runs oneDNN with one OpenMP thread on the worker that took it (the workers are the
 * parallelism, as with {@link LstmKernel}), and the blocks' weight gradients are summed in block order, so
 * the numbers do not depend on the number of cores.
 */
final class DnnlLstm {
    private static final Logger LOG = LoggerFactory.getLogger(DnnlLstm.class);

    /** oneDNN gate k ({@code i, f, g, o}) is DL4J's gate block {@code DL4J_GATE[k]} ({@code g, f, o, i}). */
    private static final int[] DL4J_GATE = {3, 1, 0, 2};

    /**
     * Whether a pass of {@code steps} steps through a layer of {@code hidden} units is worth oneDNN's copies:
     * at least {@code lstm.suite.dnnl.minHidden} units (default 256) and {@code lstm.suite.dnnl.minSteps}
     * steps (default 32, and never a single step). Measured ({@code benchmarks/README.md}): the char model
     * (256 units, 100-step segments, 16-row blocks) trains 15–20 % faster through oneDNN; the MNIST model
     * (128 units, 28 steps) and the translator's decoder (256 units, sentences of about 12 words) took the
     * same time either way, and loading the library costs a small model 60–70 MB of resident memory.
     */
    static boolean worthIt(int hidden, int steps) {
        return hidden >= minHidden() && steps >= Math.max(2, Integer.getInteger("lstm.suite.dnnl.minSteps", 32));
    }

    /** The fewest units for oneDNN's training pass: {@code lstm.suite.dnnl.minHidden}, default 256. */
    private static int minHidden() {
        return Integer.getInteger("lstm.suite.dnnl.minHidden", 256);
    }

    /**
     * {@link #worthIt} for a pass that is not training: also from {@code lstm.suite.dnnl.inference.minHidden}
     * units (default {@link #inferenceMinHidden()}) and {@code lstm.suite.dnnl.inference.minSteps} steps (default
     * 16). Measured on the MNIST benchmark's shapes (28 steps, two 32-row blocks), the bench's inference
     * alternating the two paths: with AVX-512, through oneDNN about 15–30 % faster at both 128 and 64 units since it
     * writes its output in place (see the class comment); with oneDNN at AVX2 its inference was not faster than the
     * Java kernel's at those sizes (benchmarks/README.md); training is not faster at either (so training keeps the
     * thresholds above).
     */
    static boolean worthIt(int hidden, int steps, boolean training) {
        return worthIt(hidden, steps) || !training
                && hidden >= Integer.getInteger("lstm.suite.dnnl.inference.minHidden", inferenceMinHidden())
                && steps >= Math.max(2, Integer.getInteger("lstm.suite.dnnl.inference.minSteps", 16));
    }

    /**
     * The default fewest units for oneDNN's inference pass: 64 where oneDNN runs its AVX-512 kernels, else the
     * training threshold (256: the Java kernel below it).
     */
    static int inferenceMinHidden() {
        return avx512() ? 64 : minHidden();
    }

    private static volatile Boolean avx512;

    /** Whether oneDNN loads here and runs its AVX-512 kernels (its effective ISA: the CPU's, capped by ONEDNN_MAX_CPU_ISA). */
    static boolean avx512() {
        Boolean a = avx512;
        if (a == null) {
            boolean yes = false;
            if (available()) {
                try {
                    int isa = org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa();
                    int core = org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core;
                    yes = (isa & core) == core;
                } catch (Throwable t) {
                    LOG.debug("oneDNN's ISA is unknown ({}): taken as below AVX-512", t.toString());
                }
            }
            avx512 = a = yes;
        }
        return a;
    }

    private static volatile Boolean available;
    private static engine cpu;

    private final int nIn;
    private final int hidden;
    // The layer's weights in oneDNN's gate order: goi (gate, output, input; input fastest) for the backward
    // pass, igo for the forward pass; the bias [4, H].
    private final Native wlGoi;
    private final Native wiGoi;
    private final Native bias;
    private final Native wlIgo;
    private final Native wiIgo;
    private Block[] blocks = new Block[0];
    private final Scratch[] scratch = {new Scratch(), new Scratch()};   // the weight transposes' heap copies

    /**
     * Whether oneDNN is usable here (its native library loads and makes a CPU engine). System property
     * {@code lstm.suite.dnnl=false} turns it off (every FastLstm then computes with {@link LstmKernel}).
     */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (DnnlLstm.class) {
                a = available;
                if (a == null) {
                    a = false;
                    if (Boolean.parseBoolean(System.getProperty("lstm.suite.dnnl", "true"))) {
                        try {
                            cpu = new engine(engine.kind.cpu, 0);
                            a = true;
                        } catch (Throwable t) {
                            LOG.warn("oneDNN is not available ({}); FastLstm computes with its own kernel", t.toString());
                        }
                    }
                    available = a;
                }
            }
        }
        return a;
    }

    DnnlLstm(int nIn, int hidden) {
        if (!available()) {
            throw new IllegalStateException("oneDNN is not available");
        }
        this.nIn = nIn;
        this.hidden = hidden;
        wlGoi = new Native((long) nIn * 4 * hidden);
        wiGoi = new Native((long) hidden * 4 * hidden);
        bias = new Native(4L * hidden);
        wlIgo = new Native((long) nIn * 4 * hidden);
        wiIgo = new Native((long) hidden * 4 * hidden);
    }

    /**
     * Each row's number of real steps when {@code mask} ({@code [batch, T]}, column-major) keeps
     * each row's first steps and drops the rest, values 0 and 1 only; null when it is any other mask. No
     * mask: every row has all {@code steps}.
     */
    static int[] rightPaddedLengths(FloatBuffer mask, int batch, int steps) {
        int[] len = new int[batch];
        if (mask == null) {
            java.util.Arrays.fill(len, steps);
            return len;
        }
        for (int r = 0; r < batch; r++) {
            int t = 0;
            while (t < steps && mask.get(r + t * batch) == 1f) {
                t++;
            }
            len[r] = t;
            for (; t < steps; t++) {
                if (mask.get(r + t * batch) != 0f) {
                    return null;
                }
            }
        }
        return len;
    }

    /**
     * Takes this pass's weights: {@code w} column-major {@code [nIn, 4H]}, {@code rw} {@code [H, 4H]}, {@code b}
     * {@code [4H]}, DL4J's gate order. Call before the blocks' {@link #forward}, on one thread.
     */
    /** Weights with fewer floats than this are reordered on one thread. */
    static final long SMALL_WEIGHTS = 65_536;

    void setWeights(FloatPointer w, FloatPointer rw, FloatBuffer b, int workers, boolean training) {
        long layerGate = (long) nIn * hidden, iterGate = (long) hidden * hidden;
        for (int k = 0; k < 4; k++) {
            long from = DL4J_GATE[k];
            for (int u = 0; u < hidden; u++) {
                bias.buf.put(k * hidden + u, b.get((int) from * hidden + u));
            }
        }
        // W on one worker, RW on the other: the char model's two 256 × 1024 transposes took 1.5 ms on one core.
        // Small weights stay on this thread: waking a second one costs more than their copy (MNIST's 1 × 64 layer,
        // 92 × 256 floats, served one request at a time: 5,700 → 7,400 requests/s without the hand-off)
        int threads = (long) (nIn + hidden) * 4 * hidden < SMALL_WEIGHTS ? 1 : workers;
        FastLstmLayer.runBlocks(threads, 2, task -> {
            FloatPointer src = task == 0 ? w : rw;
            if (training) {                    // the backward pass's goi: four gate blocks in oneDNN's order
                long gate = task == 0 ? layerGate : iterGate;
                Native goi = task == 0 ? wlGoi : wiGoi;
                for (int k = 0; k < 4; k++) {
                    copy(src, DL4J_GATE[k] * gate, goi.ptr, k * gate, gate);
                }
            }
            toIgo(src, (task == 0 ? wlIgo : wiIgo).buf, task == 0 ? nIn : hidden, scratch[task], training);
        });
    }

    /**
     * DL4J's column-major {@code [rows, 4H]} weights (gate order g, f, o, i) → oneDNN's {@code ldigo} (row, gate
     * i, f, g, o, unit; units fastest). Java rather than oneDNN's reorder, which took 0.45 ms for RW at H = 128.
     */
    private void toIgo(FloatPointer from, FloatBuffer igo, int rows, Scratch scratch, boolean training) {
        final int H = hidden, n = rows * 4 * H;
        float[] s = scratch.a(n), d = scratch.b(n);
        new FloatPointer(from).get(s, 0, n);
        if (!training && scratch.holds(s, n)) {  // the weights of the last inference pass: igo already holds them
            return;
        }
        for (int k = 0; k < 4; k++) {        // d[i][k][o] = s[DL4J gate of k][o][i], in 16 × 16 tiles
            final int gate = DL4J_GATE[k] * H;
            for (int i0 = 0; i0 < rows; i0 += 16) {
                int i1 = Math.min(rows, i0 + 16);
                for (int o0 = 0; o0 < H; o0 += 16) {
                    int o1 = Math.min(H, o0 + 16);
                    for (int i = i0; i < i1; i++) {
                        int di = (i * 4 + k) * H, si = i + gate * rows;
                        for (int o = o0; o < o1; o++) {
                            d[di + o] = s[si + o * rows];
                        }
                    }
                }
            }
        }
        igo.put(0, d, 0, n);
        if (training) {                      // they change at every step: nothing to compare next time
            scratch.forget();
        } else {
            scratch.remember(s, n);
        }
    }

    /** The inverse of {@link #toIgo}: oneDNN's {@code ldigo} → DL4J's column-major {@code [rows, 4H]}. */
    private void fromIgo(FloatBuffer igo, FloatPointer to, int rows, Scratch scratch) {
        final int H = hidden, n = rows * 4 * H;
        float[] s = scratch.a(n), d = scratch.b(n);
        igo.get(0, s, 0, n);
        for (int k = 0; k < 4; k++) {
            final int gate = DL4J_GATE[k] * H;
            for (int o0 = 0; o0 < H; o0 += 16) {
                int o1 = Math.min(H, o0 + 16);
                for (int i0 = 0; i0 < rows; i0 += 16) {
                    int i1 = Math.min(rows, i0 + 16);
                    for (int o = o0; o < o1; o++) {
                        int di = (gate + o) * rows, si = k * H + o;
                        for (int i = i0; i < i1; i++) {
                            d[di + i] = s[si + i * 4 * H];
                        }
                    }
                }
            }
        }
        new FloatPointer(to).put(d, 0, n);
    }

    /**
     * Two heap arrays for one transpose (one per worker: W's and RW's run at once), and the weights the last
     * inference pass's {@link #toIgo} transposed (so that the next one with unchanged weights skips it).
     */
    private static final class Scratch {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] last = new float[0];
        private int lastLength = -1;

        float[] a(int n) {
            if (a.length < n) {
                a = new float[n];
            }
            return a;
        }

        float[] b(int n) {
            if (b.length < n) {
                b = new float[n];
            }
            return b;
        }

        /** Whether {@code s[0, n)} are, bit for bit, the weights last transposed. */
        boolean holds(float[] s, int n) {
            return lastLength == n && java.util.Arrays.equals(s, 0, n, last, 0, n);
        }

        void remember(float[] s, int n) {
            if (last.length < n) {
                last = new float[n];
            }
            System.arraycopy(s, 0, last, 0, n);
            lastLength = n;
        }

        void forget() {
            lastLength = -1;
        }
    }

    /** The kernel of block {@code k} (made when first needed; each keeps its buffers between calls). */
    Block block(int k) {
        if (blocks.length <= k) {
            Block[] more = java.util.Arrays.copyOf(blocks, k + 1);
            for (int i = blocks.length; i <= k; i++) {
                more[i] = new Block();
            }
            blocks = more;
        }
        return blocks[k];
    }

    /**
     * Adds the blocks' weight gradients in block order and writes them in DL4J's layout and gate order:
     * {@code dW} column-major {@code [nIn, 4H]}, {@code dRW} {@code [H, 4H]}, {@code dB} {@code [4H]}.
     */
    void gradients(int n, FloatPointer dW, FloatPointer dRW, FloatPointer dB, int workers) {
        Block first = blocks[0];
        for (int k = 1; k < n; k++) {
            add(blocks[k].dB, first.dB);
        }
        for (int k = 0; k < 4; k++) {
            copy(first.dB.ptr, (long) k * hidden, dB, DL4J_GATE[k] * (long) hidden, hidden);
        }
        FastLstmLayer.runBlocks(workers, 2, task -> {           // dW on one worker, dRW on the other
            for (int k = 1; k < n; k++) {
                add(task == 0 ? blocks[k].dWl : blocks[k].dWi, task == 0 ? first.dWl : first.dWi);
            }
            fromIgo((task == 0 ? first.dWl : first.dWi).buf, task == 0 ? dW : dRW, task == 0 ? nIn : hidden, scratch[task]);
        });
    }

    /** {@code n} floats from {@code src} (its element {@code from} on) to {@code dst} (its element {@code to} on). */
    private static void copy(FloatPointer src, long from, FloatPointer dst, long to, long n) {
        org.bytedeco.openblas.global.openblas_nolapack.cblas_scopy((int) n,
                new FloatPointer(src).position(src.position() + from), 1, new FloatPointer(dst).position(dst.position() + to), 1);
    }

    /**
     * The address {@code offset} floats past {@code p}'s position, as a new pointer at position 0: oneDNN's
     * data handles and {@code Pointer.memcpy/memset} take {@code void*}, for which JavaCPP would count a
     * position in bytes.
     */
    static FloatPointer at(FloatPointer p, long offset) {
        return new FloatPointer(p).position(0).getPointer(p.position() + offset);
    }

    /**
     * Where an inference pass reads and writes in oneDNN's {@code ntc} layout: {@code out}, the layer's output
     * as a row-major {@code [B, T, H]} array (DL4J sees it through a permuted {@code [B, H, T]} view); {@code x},
     * the input when it is laid out {@code [B, T, nIn]} without gaps (a layer below that wrote this layout),
     * else null. Null for a training pass.
     */
    record Ntc(FloatPointer out, FloatPointer x) {
    }

    private static void add(Native src, Native dst) {
        FastLstmLayer.add(src.ptr, dst.ptr, src.capacity);
    }

    private static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** OpenMP's thread count for this thread's oneDNN calls; returns the count it had. */
    static int ompThreads(int n) {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        if (before != n) {
            ops.setOmpNumThreads(n);
        }
        return before;
    }

    /** One block of rows: its primitives (by steps, rows and pass) and the buffers kept from forward to backward. */
    final class Block {
        private final Map<Long, Primitives> primitives = new HashMap<>();
        private final Native src = new Native(0);      // training [T, rows, nIn]; inference [rows, T, nIn] (when copied)
        private final Native dst = new Native(0);      // [T, rows, H], training
        private final Native diffSrc = new Native(0);  // [T, rows, nIn]
        private final Native diffDst = new Native(0);  // [T, rows, H]
        private final Native workspace = new Native(0);
        private final Native scratchpad = new Native(0);
        private final Native srcIter = new Native(0);  // [rows, H] h and c before the first step
        private final Native srcIterC = new Native(0);
        private final Native dstIter = new Native(0);  // [rows, H] after the last step
        private final Native dstIterC = new Native(0);
        private final Native diffIter = new Native(0); // [rows, H] gradients at the state ends (zero in, unused out)
        private final Native diffIterOut = new Native(0);
        final Native dWl = new Native((long) nIn * 4 * hidden);
        final Native dWi = new Native((long) hidden * 4 * hidden);
        final Native dB = new Native(4L * hidden);
        private int[] lengths = new int[0];
        private int rows;
        private int steps;

        /**
         * Forward pass of rows {@code [from, from + rows)} of {@code a}, whose rows have {@code lengths}
         * real steps (see {@link #rightPaddedLengths}); as {@link LstmKernel#forward}. Training: through this
         * block's own {@code [T, rows, size]} copies, kept for the backward pass, into {@code a.out}
         * (column-major {@code [B, H, T]}). Inference: in {@code [rows, T, size]}, output straight into
         * {@code io.out} ({@code [B, T, H]}), the input read in place when it is laid out so.
         */
        void forward(LstmKernel.Arrays a, Ntc io, int from, int rows, int[] allLengths, boolean training) {
            final int T = a.steps(), B = a.batch(), H = hidden, I = nIn;
            this.rows = rows;
            this.steps = T;
            this.lengths = java.util.Arrays.copyOfRange(allLengths, from, from + rows);
            Primitives p = primitives(T, rows, training);
            final FloatPointer srcPtr;
            if (training) {
                src.ensure((long) T * rows * I);
                dst.ensure((long) T * rows * H);
                workspace.ensureBytes(p.workspaceBytes);
                input(a, from, true);
                srcPtr = src.ptr;
            } else if (io.x() != null) {
                srcPtr = at(io.x(), (long) from * T * I);       // the input's own [rows, T, nIn]
            } else {
                src.ensure((long) T * rows * I);
                input(a, from, false);
                srcPtr = src.ptr;
            }
            srcIter.ensure((long) rows * H);
            srcIterC.ensure((long) rows * H);
            dstIter.ensure((long) rows * H);
            dstIterC.ensure((long) rows * H);
            scratchpad.ensureBytes(p.scratchpadBytes);
            // h0, c0 [B, H] column-major → [rows, H]
            stateIn(a.h0(), srcIter.buf, B, from);
            stateIn(a.c0(), srcIterC.buf, B, from);

            p.srcLayer.set_data_handle(srcPtr);
            p.srcIter.set_data_handle(srcIter.ptr);
            p.srcIterC.set_data_handle(srcIterC.ptr);
            p.weightsLayerFwd.set_data_handle(wlIgo.ptr);
            p.weightsIterFwd.set_data_handle(wiIgo.ptr);
            p.bias.set_data_handle(bias.ptr);
            p.dstLayer.set_data_handle(training ? dst.ptr : at(io.out(), (long) from * T * H));
            p.dstIter.set_data_handle(dstIter.ptr);
            p.dstIterC.set_data_handle(dstIterC.ptr);
            if (training) {
                p.workspace.set_data_handle(workspace.ptr);
            }
            p.scratchpad.set_data_handle(scratchpad.ptr);
            p.forward.execute(p.stream, p.forwardArgs);
            p.stream._wait();

            if (training) {
                // dst [T, rows, H] → out [B, H, T] column-major, zero after each row's length
                FloatBuffer out = a.out(), d = dst.buf;
                for (int t = 0; t < T; t++) {
                    for (int u = 0; u < H; u++) {
                        int o = from + B * (u + H * t);
                        for (int r = 0; r < rows; r++) {
                            out.put(o + r, t < lengths[r] ? d.get((t * rows + r) * H + u) : 0f);
                        }
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {    // zero after each row's length (DL4J's masked steps)
                    if (lengths[r] < T) {
                        Pointer.memset(at(io.out(), ((long) (from + r) * T + lengths[r]) * H), 0,
                                (long) (T - lengths[r]) * H * Float.BYTES);
                    }
                }
            }
            if (a.hLast() != null) {
                stateOut(dstIter.buf, a.hLast(), B, from);
                stateOut(dstIterC.buf, a.cLast(), B, from);
            }
        }

        /**
         * x [B, nIn, T] (any strides) → src, {@code [T, rows, nIn]} ({@code timeMajor}: training's layout) or
         * {@code [rows, T, nIn]} (inference's).
         */
        private void input(LstmKernel.Arrays a, int from, boolean timeMajor) {
            FloatBuffer x = a.x(), s = src.buf;
            LstmKernel.Strides xs = a.xStrides();
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < steps; t++) {
                    int base = (timeMajor ? t * rows + r : r * steps + t) * nIn;
                    for (int i = 0; i < nIn; i++) {
                        s.put(base + i, x.get((int) xs.at(from + r, i, t)));
                    }
                }
            }
        }

        /**
         * Backward pass of this block's rows (the last {@link #forward} must have been a training one):
         * {@code eps} is {@code dLoss/dOut} {@code [B, H, T - epsFrom]} at {@code epsStrides} (the steps from
         * {@code epsFrom}, zero before); writes {@code dLoss/dx}
         * into {@code epsOut} (column-major {@code [B, nIn, T]}; null: not wanted) and this block's weight gradients into
         * {@link #dWl}, {@link #dWi}, {@link #dB} (summed by {@link DnnlLstm#gradients}).
         */
        void backward(int batch, int from, FloatBuffer eps, LstmKernel.Strides es, int epsFrom, FloatBuffer epsOut) {
            final int T = steps, H = hidden, I = nIn;
            Primitives p = primitives(T, rows, true);
            diffSrc.ensure((long) T * rows * I);
            diffDst.ensure((long) T * rows * H);
            diffIter.ensure((long) rows * H);
            diffIterOut.ensure((long) rows * H);
            scratchpad.ensureBytes(p.scratchpadBytes);
            FloatBuffer dd = diffDst.buf;
            for (int t = 0; t < T; t++) {          // rows innermost: DL4J's gradient is column-major, rows adjacent
                for (int u = 0; u < H; u++) {
                    for (int r = 0; r < rows; r++) {
                        dd.put((t * rows + r) * H + u, t < lengths[r] && t >= epsFrom
                                ? eps.get((int) es.at(from + r, u, t - epsFrom)) : 0f);
                    }
                }
            }
            Pointer.memset(diffIter.ptr, 0, (long) rows * H * Float.BYTES);
            Pointer.memset(dWl.ptr, 0, dWl.capacity * Float.BYTES);     // oneDNN adds to its weight gradients
            Pointer.memset(dWi.ptr, 0, dWi.capacity * Float.BYTES);
            Pointer.memset(dB.ptr, 0, dB.capacity * Float.BYTES);

            p.srcLayer.set_data_handle(src.ptr);
            p.srcIter.set_data_handle(srcIter.ptr);
            p.srcIterC.set_data_handle(srcIterC.ptr);
            p.weightsLayerBwd.set_data_handle(wlGoi.ptr);
            p.weightsIterBwd.set_data_handle(wiGoi.ptr);
            p.bias.set_data_handle(bias.ptr);
            p.dstLayer.set_data_handle(dst.ptr);
            p.dstIter.set_data_handle(dstIter.ptr);
            p.dstIterC.set_data_handle(dstIterC.ptr);
            p.workspace.set_data_handle(workspace.ptr);
            p.diffSrcLayer.set_data_handle(diffSrc.ptr);
            p.diffSrcIter.set_data_handle(diffIterOut.ptr);
            p.diffSrcIterC.set_data_handle(diffIterOut.ptr);
            p.diffWeightsLayer.set_data_handle(dWl.ptr);
            p.diffWeightsIter.set_data_handle(dWi.ptr);
            p.diffBias.set_data_handle(dB.ptr);
            p.diffDstLayer.set_data_handle(diffDst.ptr);
            p.diffDstIter.set_data_handle(diffIter.ptr);
            p.diffDstIterC.set_data_handle(diffIter.ptr);
            p.scratchpad.set_data_handle(scratchpad.ptr);
            p.backward.execute(p.stream, p.backwardArgs);
            p.stream._wait();

            if (epsOut == null) {
                return;             // the input is data (oneDNN computed diffSrc all the same)
            }
            // diffSrc [T, rows, nIn] → epsOut [B, nIn, T] column-major
            FloatBuffer ds = diffSrc.buf;
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < I; i++) {
                    int o = from + batch * (i + I * t);
                    for (int r = 0; r < rows; r++) {
                        epsOut.put(o + r, ds.get((t * rows + r) * I + i));
                    }
                }
            }
        }

        /** The rows of a column-major [B, H] state (null: zeros) → [rows, H]. */
        private void stateIn(FloatBuffer state, FloatBuffer to, int batch, int from) {
            for (int r = 0; r < rows; r++) {
                for (int u = 0; u < hidden; u++) {
                    to.put(r * hidden + u, state == null ? 0f : state.get(from + r + batch * u));
                }
            }
        }

        /** [rows, H] → the rows of a column-major [B, H]; zero for a row whose last step is padding (DL4J's mask). */
        private void stateOut(FloatBuffer state, FloatBuffer to, int batch, int from) {
            for (int r = 0; r < rows; r++) {
                boolean real = lengths[r] == steps;
                for (int u = 0; u < hidden; u++) {
                    to.put(from + r + batch * u, real ? state.get(r * hidden + u) : 0f);
                }
            }
        }

        private Primitives primitives(int steps, int rows, boolean training) {
            long key = ((long) steps << 33) | ((long) rows << 1) | (training ? 1 : 0);
            Primitives p = primitives.get(key);
            if (p == null) {
                if (primitives.size() >= 64) {          // sequence lengths vary: keep the cache bounded
                    primitives.clear();
                }
                p = new Primitives(steps, rows, training);
                primitives.put(key, p);
            }
            return p;
        }
    }

    /** The primitives and memory objects of one shape (their data pointers are set before each call). */
    private final class Primitives {
        final stream stream = new stream(cpu);
        final memory srcLayer, srcIter, srcIterC, weightsLayerFwd, weightsIterFwd, weightsLayerBwd, weightsIterBwd,
                bias, dstLayer, dstIter, dstIterC, workspace;
        final memory diffSrcLayer, diffSrcIter, diffSrcIterC, diffWeightsLayer, diffWeightsIter, diffBias,
                diffDstLayer, diffDstIter, diffDstIterC;
        final lstm_forward forward;
        final lstm_backward backward;
        final IntMemoryMap forwardArgs = new IntMemoryMap();
        final IntMemoryMap backwardArgs = new IntMemoryMap();
        final long workspaceBytes;
        final long scratchpadBytes;
        final memory scratchpad;
        private final Object[] keep;   // the descriptors' Java objects live as long as the primitives made from them

        Primitives(int steps, int rows, boolean training) {
            // dims (T, N, C); training lays them out [T, N, C], inference [N, T, C] (see the class comment)
            memory.format_tag layout = training ? memory.format_tag.tnc : memory.format_tag.ntc;
            memory.desc src = desc(layout, steps, rows, nIn);
            memory.desc dst = desc(layout, steps, rows, hidden);
            memory.desc state = desc(memory.format_tag.ldnc, 1, 1, rows, hidden);
            memory.desc wlIgo = desc(memory.format_tag.ldigo, 1, 1, nIn, 4, hidden);
            memory.desc wiIgo = desc(memory.format_tag.ldigo, 1, 1, hidden, 4, hidden);
            memory.desc wlGoi = desc(memory.format_tag.ldgoi, 1, 1, nIn, 4, hidden);
            memory.desc wiGoi = desc(memory.format_tag.ldgoi, 1, 1, hidden, 4, hidden);
            memory.desc b = desc(memory.format_tag.ldgo, 1, 1, 4, hidden);
            lstm_forward.desc fd = new lstm_forward.desc(training ? prop_kind.forward_training : prop_kind.forward_inference,
                    rnn_direction.unidirectional_left2right, src, state, state, wlIgo, wiIgo, b, dst, state, state);
            // Each block brings its own scratch memory: oneDNN's own is one buffer for the whole process (this
            // build was made without concurrent execution), which two blocks running at once would share.
            primitive_attr attr = new primitive_attr();
            attr.set_scratchpad_mode(scratchpad_mode.user);
            lstm_forward.primitive_desc fpd = new lstm_forward.primitive_desc(fd, attr, cpu);
            forward = new lstm_forward(fpd);
            srcLayer = new memory(src, cpu, null);
            srcIter = new memory(state, cpu, null);
            srcIterC = new memory(state, cpu, null);
            weightsLayerFwd = new memory(wlIgo, cpu, null);
            weightsIterFwd = new memory(wiIgo, cpu, null);
            bias = new memory(b, cpu, null);
            dstLayer = new memory(dst, cpu, null);
            dstIter = new memory(state, cpu, null);
            dstIterC = new memory(state, cpu, null);
            forwardArgs.put(DNNL_ARG_SRC_LAYER, srcLayer);
            forwardArgs.put(DNNL_ARG_SRC_ITER, srcIter);
            forwardArgs.put(DNNL_ARG_SRC_ITER_C, srcIterC);
            forwardArgs.put(DNNL_ARG_WEIGHTS_LAYER, weightsLayerFwd);
            forwardArgs.put(DNNL_ARG_WEIGHTS_ITER, weightsIterFwd);
            forwardArgs.put(DNNL_ARG_BIAS, bias);
            forwardArgs.put(DNNL_ARG_DST_LAYER, dstLayer);
            forwardArgs.put(DNNL_ARG_DST_ITER, dstIter);
            forwardArgs.put(DNNL_ARG_DST_ITER_C, dstIterC);
            lstm_backward.desc bd = null;
            lstm_backward.primitive_desc bpd = null;
            if (training) {
                memory.desc ws = fpd.workspace_desc();
                workspaceBytes = ws.get_size();
                workspace = new memory(ws, cpu, null);
                forwardArgs.put(DNNL_ARG_WORKSPACE, workspace);
                bd = new lstm_backward.desc(prop_kind.backward, rnn_direction.unidirectional_left2right,
                        src, state, state, wlGoi, wiGoi, b, dst, state, state,
                        src, state, state, wlIgo, wiIgo, b, dst, state, state);   // gradients: ldigo
                bpd = new lstm_backward.primitive_desc(bd, attr, cpu, fpd);
                backward = new lstm_backward(bpd);
                weightsLayerBwd = new memory(wlGoi, cpu, null);
                weightsIterBwd = new memory(wiGoi, cpu, null);
                diffSrcLayer = new memory(src, cpu, null);
                diffSrcIter = new memory(state, cpu, null);
                diffSrcIterC = new memory(state, cpu, null);
                diffWeightsLayer = new memory(wlIgo, cpu, null);
                diffWeightsIter = new memory(wiIgo, cpu, null);
                diffBias = new memory(b, cpu, null);
                diffDstLayer = new memory(dst, cpu, null);
                diffDstIter = new memory(state, cpu, null);
                diffDstIterC = new memory(state, cpu, null);
                IntMemoryMap m = backwardArgs;
                m.put(DNNL_ARG_SRC_LAYER, srcLayer);
                m.put(DNNL_ARG_SRC_ITER, srcIter);
                m.put(DNNL_ARG_SRC_ITER_C, srcIterC);
                m.put(DNNL_ARG_WEIGHTS_LAYER, weightsLayerBwd);
                m.put(DNNL_ARG_WEIGHTS_ITER, weightsIterBwd);
                m.put(DNNL_ARG_BIAS, bias);
                m.put(DNNL_ARG_DST_LAYER, dstLayer);
                m.put(DNNL_ARG_DST_ITER, dstIter);
                m.put(DNNL_ARG_DST_ITER_C, dstIterC);
                m.put(DNNL_ARG_WORKSPACE, workspace);
                m.put(DNNL_ARG_DIFF_SRC_LAYER, diffSrcLayer);
                m.put(DNNL_ARG_DIFF_SRC_ITER, diffSrcIter);
                m.put(DNNL_ARG_DIFF_SRC_ITER_C, diffSrcIterC);
                m.put(DNNL_ARG_DIFF_WEIGHTS_LAYER, diffWeightsLayer);
                m.put(DNNL_ARG_DIFF_WEIGHTS_ITER, diffWeightsIter);
                m.put(DNNL_ARG_DIFF_BIAS, diffBias);
                m.put(DNNL_ARG_DIFF_DST_LAYER, diffDstLayer);
                m.put(DNNL_ARG_DIFF_DST_ITER, diffDstIter);
                m.put(DNNL_ARG_DIFF_DST_ITER_C, diffDstIterC);
            } else {
                workspaceBytes = 0;
                workspace = null;
                backward = null;
                weightsLayerBwd = weightsIterBwd = null;
                diffSrcLayer = diffSrcIter = diffSrcIterC = diffWeightsLayer = diffWeightsIter = diffBias = null;
                diffDstLayer = diffDstIter = diffDstIterC = null;
            }
            memory.desc fs = fpd.scratchpad_desc();
            long bytes = fs.get_size();
            if (bpd != null) {
                bytes = Math.max(bytes, bpd.scratchpad_desc().get_size());
            }
            scratchpadBytes = bytes;
            scratchpad = new memory(desc(memory.format_tag.a, Math.max(1, (bytes + 3) / 4)), cpu, null);
            forwardArgs.put(DNNL_ARG_SCRATCHPAD, scratchpad);
            if (training) {
                backwardArgs.put(DNNL_ARG_SCRATCHPAD, scratchpad);
            }
            keep = new Object[]{fd, fpd, bd, bpd, attr};
        }
    }

    /** Native floats, seen as a pointer (for oneDNN) and as a buffer (for the Java copies); grows on demand. */
    static final class Native {
        FloatPointer ptr;
        FloatBuffer buf;
        long capacity;

        Native(long floats) {
            allocate(Math.max(1, floats));
        }

        void ensure(long floats) {
            if (floats > capacity) {
                ptr.close();
                allocate(floats);
            }
        }

        void ensureBytes(long bytes) {
            ensure((bytes + Float.BYTES - 1) / Float.BYTES);
        }

        private void allocate(long floats) {
            capacity = floats;
            ptr = new FloatPointer(floats);
            buf = ptr.limit(floats).asBuffer();
        }
    }
}
