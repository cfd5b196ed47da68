package io.github.lstmsuite.layers;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link FastLstm}: DL4J's LSTM maths (see {@link LstmKernel}) with its own forward
 * pass, backward pass, masks, truncated BPTT and {@code rnnTimeStep} state, computed without ND4J's
 * per-op overhead, and with the mini-batch split across the CPU's cores.
 *
 * <p>What it keeps from DL4J: the parameters ({@code W [nIn, 4H]}, {@code RW [H, 4H]}, {@code b [1, 4H]},
 * gate order g,f,o,i; {@link LSTMParamInitializer}), the state keys of {@link LSTM} (so
 * {@code rnnGetPreviousState()} looks the same), and the masking rule (a masked step zeroes {@code h}
 * and {@code c}). What it adds: the forward pass of a training step is kept for the backward pass
 * instead of being run twice, as DL4J's own layer does.
 *
 * <p>Kernels: {@link LstmKernel} (OpenBLAS products, Java gate loops), or oneDNN's LSTM primitive through
 * {@link DnnlLstm} for layers and sequences large enough to gain from it when the mask allows (see there);
 * both compute DL4J's LSTM and share the blocks, the workers and the order of the gradients' sums.
 *
 * <p>Threads: a batch is cut into blocks whose number depends on the batch size alone (see
 * {@link #blocks(int)}), one kernel each; the workers (system property {@code lstm.suite.workers}, by
 * default the number of available processors) take blocks until none is left, and the blocks' weight
 * gradients are summed in block order. So the numbers do not depend on how many cores run them: the
 * same seed gives the same parameters with {@code --threads 1} and {@code --threads 8}. Each worker
 * calls OpenBLAS single-threaded (set here, not left to {@code OMP_NUM_THREADS}), so several workers
 * never oversubscribe the cores.
 */
public class FastLstmLayer extends BaseRecurrentLayer<FastLstm> {

    /** Blocks are about this many rows: large enough for an efficient matrix product per step. */
    static final int BLOCK_ROWS = 32;


    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fast-lstm-worker");
        t.setDaemon(true);
        return t;
    });

    private final int workers;
    private LstmKernel[] kernels = new LstmKernel[0];
    private LstmKernel.Gradients[] partials = new LstmKernel.Gradients[0];
    private LstmKernel.Block rwT;        // RWᵀ [4H, H] for the backward pass (see transposeRecurrent)
    private final float[][][] transposeTiles = {{new float[0], new float[0]}, {new float[0], new float[0]}};
    private DnnlLstm dnnl;               // oneDNN's LSTM, when available (see DnnlLstm)
    private long dnnlPasses;             // forward passes oneDNN computed (for tests)

    /** The last training forward pass, reused by the backward pass when nothing changed in between. */
    private INDArray cachedInput;
    private INDArray cachedMask;
    private Forward cached;

    public FastLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        FastLstm c = (FastLstm) conf.getLayer();
        if (dataType != DataType.FLOAT) {
            throw new IllegalArgumentException("FastLstm computes in float32; this network's data type is "
                    + dataType + " (use DL4J's LSTM for other types)");
        }
        if (!(c.getGateActivationFn() instanceof ActivationSigmoid) || !(c.getActivationFn() instanceof ActivationTanH)) {
            throw new IllegalArgumentException("FastLstm supports sigmoid gates and a tanh activation, got "
                    + c.getGateActivationFn() + " and " + c.getActivationFn());
        }
        this.workers = configuredWorkers();
        // One BLAS thread per caller: the workers are the parallelism (an IDE or plain `java` may not set OMP_NUM_THREADS=1).
        org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);
    }

    /**
     * The result of a forward pass: the output {@code [batch, H, T]} and the last step's state {@code [batch, H]};
     * {@code lengths} (each row's real steps) when oneDNN computed it, else null; {@code h0}, {@code c0} the
     * state it started from (null: zeros).
     */
    private record Forward(INDArray output, INDArray hLast, INDArray cLast, LstmKernel.Arrays arrays,
                           int[] sliceStarts, int[] lengths, INDArray h0, INDArray c0, List<Object> keepAlive) {
    }

    // ---------------------------------------------------------------- forward

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, null, null, training, workspaceMgr).output();
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Forward f = forward(false, stateMap.get(LSTM.STATE_KEY_PREV_ACTIVATION),
                stateMap.get(LSTM.STATE_KEY_PREV_MEMCELL), true, workspaceMgr);
        stateMap.put(LSTM.STATE_KEY_PREV_ACTIVATION, f.hLast());
        stateMap.put(LSTM.STATE_KEY_PREV_MEMCELL, f.cLast());
        return f.output();
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Forward f = forward(training, tBpttStateMap.get(LSTM.STATE_KEY_PREV_ACTIVATION),
                tBpttStateMap.get(LSTM.STATE_KEY_PREV_MEMCELL), training || storeLastForTBPTT, workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(LSTM.STATE_KEY_PREV_ACTIVATION, f.hLast());
            tBpttStateMap.put(LSTM.STATE_KEY_PREV_MEMCELL, f.cLast());
        }
        return f.output();
    }

    /**
     * The forward pass; {@code keepState}: also return the last step's state (for {@code rnnTimeStep},
     * truncated BPTT and training), else {@code hLast}/{@code cLast} are null.
     */
    private Forward forward(boolean training, INDArray h0, INDArray c0, boolean keepState, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, h0, c0, keepState, true, workspaceMgr);
    }

    /** {@code allowDnnl}: oneDNN may compute it (see {@link DnnlLstm}); else {@link LstmKernel} does. */
    private Forward forward(boolean training, INDArray h0, INDArray c0, boolean keepState, boolean allowDnnl,
                            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        final boolean twoD = input.rank() == 2;          // rnnTimeStep may pass one step as [batch, nIn]
        INDArray in3 = twoD ? input.reshape(input.ordering(), input.size(0), input.size(1), 1) : permuteIfNWC(input);
        if (in3.rank() != 3 || in3.size(1) != layerConf().getNIn()) {
            throw new IllegalStateException("FastLstm (layer " + layerId() + ") expects input [batch, " + layerConf().getNIn()
                    + ", time], got " + java.util.Arrays.toString(input.shape()));
        }
        final int batch = (int) in3.size(0), steps = (int) in3.size(2), hidden = (int) layerConf().getNOut();
        final List<Object> keep = new ArrayList<>();

        INDArray x = floats(in3);                          // [batch, nIn, T], any strides: read in place
        // W and RW are read again by the backward pass: a copy of them (weight noise, or a layout the kernel
        // cannot use) must not live in this layer's working-memory workspace, which another layer may
        // reuse before then. x, b and the mask are read only here (the kernel keeps its own copies).
        INDArray w = detachedFContiguous(getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, workspaceMgr));
        INDArray rw = detachedFContiguous(getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, workspaceMgr));
        INDArray b = fContiguous(getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, workspaceMgr));
        INDArray mask = maskArray == null ? null : fContiguous(maskArray.castTo(DataType.FLOAT));  // [batch, T]
        // oneDNN for sequences whose mask it can follow, in layers wide and long enough for its kernels to pay
        // for its copies (DnnlLstm.worthIt; inference from smaller layers); single steps (rnnTimeStep) stay with the Java kernel.
        final int[] lengths = allowDnnl && DnnlLstm.worthIt(hidden, steps, training) && DnnlLstm.available()
                ? DnnlLstm.rightPaddedLengths(mask == null ? null : buffer(mask), batch, steps) : null;
        // every element is written by the kernels (LstmKernel: each block's rows at every step; DnnlLstm: zeros
        // after each row's length), so no zero-filling (it was 5 % of an inference pass at h128).
        // LstmKernel and oneDNN's training pass write column-major [batch, H, T]; oneDNN's inference pass
        // row-major [batch, T, H], which DL4J sees permuted.
        final boolean rowMajorOut = lengths != null && !training;
        INDArray out = !rowMajorOut
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{batch, hidden, steps}, 'f')
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{batch, steps, hidden}, 'c');
        INDArray hLast;
        INDArray cLast;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            hLast = keepState ? Nd4j.create(DataType.FLOAT, new long[]{batch, hidden}, 'f') : null;
            cLast = keepState ? Nd4j.create(DataType.FLOAT, new long[]{batch, hidden}, 'f') : null;
            h0 = h0 == null ? null : fContiguous(h0);
            c0 = c0 == null ? null : fContiguous(c0);
        }
        if (h0 != null && (h0.size(0) != batch || h0.size(1) != hidden)) {
            throw new IllegalStateException("FastLstm (layer " + layerId() + "): stored state has shape "
                    + java.util.Arrays.toString(h0.shape()) + " but this batch needs [" + batch + ", " + hidden
                    + "]; call rnnClearPreviousState() when the batch size changes");
        }
        keep.addAll(java.util.Arrays.asList(x, w, rw, b, mask, h0, c0));
        LstmKernel.Arrays arrays = new LstmKernel.Arrays(batch, steps, spanBuffer(x), strides(x), pointer(w), buffer(w),
                pointer(rw), buffer(b),
                mask == null ? null : buffer(mask), h0 == null ? null : buffer(h0), c0 == null ? null : buffer(c0),
                buffer(out), hLast == null ? null : buffer(hLast), cLast == null ? null : buffer(cLast));

        int[] starts = blocks(batch);
        if (lengths != null) {
            if (dnnl == null) {
                dnnl = new DnnlLstm((int) layerConf().getNIn(), hidden);
            }
            final DnnlLstm d = dnnl;
            dnnlPasses++;
            d.block(starts.length - 2);                  // make every block's kernel before the workers start
            int before = DnnlLstm.ompThreads(1);          // one OpenMP thread per block: the workers are the parallelism
            try {
                d.setWeights(arrays.w(), arrays.rw(), arrays.bias(), workers, training);
                DnnlLstm.Ntc io = rowMajorOut ? new DnnlLstm.Ntc(pointer(out), rowMajorSteps(x) ? pointer(x) : null) : null;
                runBlocks(starts, k -> {
                    DnnlLstm.ompThreads(1);
                    d.block(k).forward(arrays, io, starts[k], starts[k + 1] - starts[k], lengths, training);
                });
            } finally {
                DnnlLstm.ompThreads(before);
            }
            if (rowMajorOut) {
                out = out.permute(0, 2, 1);              // [batch, T, H] → the [batch, H, T] view DL4J expects
            }
        } else {
            ensureKernels(starts.length - 1);
            runBlocks(starts, k -> kernels[k].forward(arrays, starts[k], starts[k + 1] - starts[k], training));
        }

        INDArray output = twoD ? out.reshape('f', batch, hidden) : permuteIfNWC(out);
        Forward f = new Forward(output, hLast, cLast, arrays, starts, lengths, h0, c0, keep);
        if (training) {
            cached = f;
            cachedInput = input;
            cachedMask = maskArray;
        } else {
            cached = null;
        }
        return f;
    }

    /** How many forward passes of this layer oneDNN computed (see {@link DnnlLstm}); the rest were {@link LstmKernel}'s. */
    long dnnlPasses() {
        return dnnlPasses;
    }

    // ---------------------------------------------------------------- backward

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, false, -1, false, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackwardLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, true, tbpttBackwardLength, false, workspaceMgr);
    }

    /**
     * The backward pass from {@code dLoss/dOutput} of the last step only ({@code [batch, H]}; every earlier
     * step's is zero), for {@link FastLastTimeStep}: what DL4J's {@code LastTimeStep} computes by writing it
     * into a {@code [batch, H, T]} array of zeros.
     */
    Pair<Gradient, INDArray> backpropLastStep(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, false, -1, true, workspaceMgr);
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, boolean truncated, int backLength, boolean lastStepOnly,
                                              LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Forward f = cached;
        if (f == null || cachedInput != input || cachedMask != maskArray) {
            f = truncated
                    ? forward(true, stateMap.get(LSTM.STATE_KEY_PREV_ACTIVATION), stateMap.get(LSTM.STATE_KEY_PREV_MEMCELL), true, workspaceMgr)
                    : forward(true, null, null, true, workspaceMgr);
        }
        cached = null;
        cachedInput = null;
        cachedMask = null;
        if (truncated) {
            tBpttStateMap.put(LSTM.STATE_KEY_PREV_ACTIVATION, f.hLast());
            tBpttStateMap.put(LSTM.STATE_KEY_PREV_MEMCELL, f.cLast());
        }
        final int firstStep = truncated ? Math.max(0, f.arrays().steps() - backLength) : 0;
        if (f.lengths() != null && firstStep > 0) {
            // oneDNN's backward pass covers every step: a truncated one is the Java kernel's, from the same state
            f = forward(true, f.h0(), f.c0(), true, false, workspaceMgr);
        }
        final LstmKernel.Arrays a = f.arrays();
        final int steps = a.steps(), batch = a.batch(), nIn = (int) layerConf().getNIn();

        INDArray eps3 = epsilon.rank() == 2 ? epsilon.reshape(epsilon.ordering(), epsilon.size(0), epsilon.size(1), 1)
                : permuteIfNWC(epsilon);
        INDArray eps = floats(eps3);                         // [batch, H, T - epsFrom], any strides: steps from epsFrom
        final int epsFrom = lastStepOnly ? steps - 1 : 0;
        // dLoss/dInput [batch, nIn, T], every element written; none when the input is data (FastLstm.withoutInputGradient)
        final boolean inputGradient = layerConf().isInputGradient();
        INDArray epsOut = inputGradient ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{batch, nIn, steps}, 'f') : null;
        INDArray gW = gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray gRW = gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray gB = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
        final FloatBuffer epsBuf = spanBuffer(eps), epsOutBuf = inputGradient ? buffer(epsOut) : null;
        final LstmKernel.Strides epsStrides = strides(eps);
        final int[] starts = f.sliceStarts();
        final int n = starts.length - 1;
        if (f.lengths() != null) {
            final DnnlLstm d = dnnl;
            int before = DnnlLstm.ompThreads(1);
            try {
                runBlocks(starts, k -> {
                    DnnlLstm.ompThreads(1);
                    d.block(k).backward(batch, starts[k], epsBuf, epsStrides, epsFrom, epsOutBuf);
                });
            } finally {
                DnnlLstm.ompThreads(before);
            }
            d.gradients(n, pointer(gW), pointer(gRW), pointer(gB), workers);     // summed in block order
        } else {
            ensurePartials(n, nIn, (int) layerConf().getNOut());
            partials[0] = new LstmKernel.Gradients(pointer(gW), pointer(gRW), pointer(gB));
            final FloatPointer rwTransposed = transposeRecurrent(a.rw(), (int) layerConf().getNOut());
            runBlocks(starts, k -> kernels[k].backward(a, starts[k], epsBuf, epsStrides, epsFrom, firstStep, epsOutBuf,
                    rwTransposed, partials[k]));
            // sum the other blocks' gradients into the first's, in block order (each element's sum is the same
            // whoever adds it), every array in two halves on the workers
            final long[] sizes = {gW.length(), gRW.length(), gB.length()};
            runBlocks(workers, 2, half -> {
                for (int v = 0; v < 3; v++) {
                    long lo = half == 0 ? 0 : sizes[v] / 2, hi = half == 0 ? sizes[v] / 2 : sizes[v];
                    for (int k = 1; k < n && hi > lo; k++) {
                        add(DnnlLstm.at(partials[k].part(v), lo), DnnlLstm.at(partials[0].part(v), lo), hi - lo);
                    }
                }
            });
        }

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY, gW);
        g.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, gRW);
        g.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY, gB);
        weightNoiseParams.clear();
        if (!inputGradient) {
            return new Pair<>(g, null);         // as DL4J's embedding layers: no gradient for the data
        }
        INDArray epsilonOut = epsilon.rank() == 2 && !lastStepOnly ? epsOut.reshape('f', batch, nIn) : permuteIfNWC(epsOut);
        return new Pair<>(g, backpropDropOutIfPresent(epsilonOut));
    }

    // ---------------------------------------------------------------- DL4J plumbing

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArray, MaskState.Passthrough);     // as DL4J's LSTM: masking happens inside
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("FastLstm has no layer-wise pretraining (layer " + layerId() + ")");
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        cached = null;
        cachedInput = null;
        cachedMask = null;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Block boundaries {@code [0, …, batch]}, a function of the batch size only (never of the number of
     * workers), so that results are the same on any machine: about {@value #BLOCK_ROWS} rows a block,
     * and two blocks for batches of 16 to 63 rows (so two cores share them).
     */
    static int[] blocks(int batch) {
        int n = Math.max(1, Math.max(Math.min(2, batch / 8), batch / BLOCK_ROWS));
        int[] s = new int[n + 1];
        for (int k = 0; k <= n; k++) {
            s[k] = (int) ((long) batch * k / n);
        }
        return s;
    }

    private void ensureKernels(int n) {
        if (kernels.length < n) {
            LstmKernel[] more = java.util.Arrays.copyOf(kernels, n);
            for (int k = kernels.length; k < n; k++) {
                more[k] = new LstmKernel((int) layerConf().getNIn(), (int) layerConf().getNOut());
            }
            kernels = more;
        }
    }

    private void ensurePartials(int n, int nIn, int hidden) {
        if (partials.length < n) {
            LstmKernel.Gradients[] more = java.util.Arrays.copyOf(partials, n);
            for (int k = Math.max(1, partials.length); k < n; k++) {
                more[k] = new LstmKernel.Gradients(new LstmKernel.Block((long) nIn * 4 * hidden).ptr,
                        new LstmKernel.Block((long) hidden * 4 * hidden).ptr, new LstmKernel.Block(4L * hidden).ptr);
            }
            partials = more;
        }
    }

    /**
     * RWᵀ, column-major {@code [4H, H]}, in this layer's own buffer. The backward pass's per-step product
     * {@code dh_{t-1} = dz_t·RWᵀ} is faster from an explicit transpose than with BLAS's transposed operand:
     * OpenBLAS 0.3.19 runs {@code [32, 512]·[512, 128]} at about 86 GFLOP/s from RWᵀ against 62 with
     * {@code CblasTrans} (and 74 against 47 at the char model's {@code [16, 1024]·[1024, 256]}); oneDNN's sgemm
     * 161 against 153. The transpose runs in two halves of RW's columns, one per worker, through heap tiles
     * (it was 128 strided BLAS copies on one thread, 3 % of a training step at H = 128).
     */
    private FloatPointer transposeRecurrent(FloatPointer rw, int hidden) {
        long size = 4L * hidden * hidden;
        if (rwT == null || rwT.capacity < size) {
            if (rwT != null) {
                rwT.ptr.close();
            }
            rwT = new LstmKernel.Block(size);
        }
        final int H = hidden, half = 2 * hidden, n = H * half;
        final FloatBuffer from = new FloatPointer(rw).limit(rw.position() + size).asBuffer(), to = rwT.buf;
        runBlocks(workers, 2, part -> {
            // RW's columns [c0, c0 + 2H) (element (j, c) at j + H·c) → RWᵀ's rows c (element (c, j) at c + 4H·j)
            final int c0 = part * half;
            float[][] tiles = transposeTiles[part];
            if (tiles[0].length < n) {
                tiles[0] = new float[n];
                tiles[1] = new float[n];
            }
            final float[] src = tiles[0], dst = tiles[1];
            from.get(H * c0, src, 0, n);
            for (int j0 = 0; j0 < H; j0 += 16) {
                int j1 = Math.min(H, j0 + 16);
                for (int c = 0; c < half; c++) {
                    for (int j = j0; j < j1; j++) {
                        dst[j * half + c] = src[c * H + j];
                    }
                }
            }
            for (int j = 0; j < H; j++) {
                to.put(c0 + 4 * H * j, dst, j * half, half);
            }
        });
        return rwT.ptr;
    }

    /** The worker threads a layer uses: system property {@code lstm.suite.workers}, default every available core. */
    static int configuredWorkers() {
        return Math.max(1, Integer.getInteger("lstm.suite.workers", Runtime.getRuntime().availableProcessors()));
    }

    interface BlockTask {
        void run(int block);
    }

    /**
     * Runs every block: this thread and up to {@code workers - 1} pool threads take blocks until none is
     * left. Every worker is awaited, also when one fails (none is left writing into shared buffers after
     * this returns); the first failure is rethrown.
     */
    private void runBlocks(int[] starts, BlockTask task) {
        runBlocks(workers, starts.length - 1, task);
    }

    /** {@link #runBlocks(int[], BlockTask)} for {@code n} blocks and {@code workers} threads. */
    static void runBlocks(int workers, int n, BlockTask task) {
        int threads = Math.min(workers, n);
        if (threads == 1) {
            for (int k = 0; k < n; k++) {
                task.run(k);
            }
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable take = () -> {
            for (int k; !failed.get() && (k = next.getAndIncrement()) < n; ) {
                try {
                    task.run(k);
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
            }
        };
        List<Future<?>> others = new ArrayList<>();
        for (int k = 1; k < threads; k++) {
            others.add(POOL.submit(take));
        }
        Throwable first = null;
        try {
            take.run();
        } catch (RuntimeException | Error e) {
            first = e;
        }
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;          // keep waiting: the worker still writes into our buffers
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException("LSTM worker failed: " + first, first);
        }
    }

    /** dst += src over n floats (BLAS saxpy). */
    static void add(FloatPointer src, FloatPointer dst, long n) {
        org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy((int) n, 1f, src, 1, dst, 1);
    }

    /**
     * Whether {@code x} ({@code [batch, size, T]}, float) is a permuted view of a row-major {@code [batch, T, size]}
     * array without gaps (what oneDNN reads in place, see {@link DnnlLstm.Ntc}).
     */
    static boolean rowMajorSteps(INDArray x) {
        long b = x.size(0), k = x.size(1), t = x.size(2);
        return x.dataType() == DataType.FLOAT && (k == 1 || x.stride(1) == 1) && (t == 1 || x.stride(2) == k)
                && (b == 1 || x.stride(0) == k * t);
    }

    /** {@code a} itself when it holds floats, else a float copy (any layout: the kernel reads strides). */
    static INDArray floats(INDArray a) {
        return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    }

    /** The strides of a rank-3 {@code [batch, size, time]} array, in elements. */
    static LstmKernel.Strides strides(INDArray a) {
        return new LstmKernel.Strides(a.stride(0), a.stride(1), a.stride(2));
    }

    /** {@link #pointer} as a buffer reaching {@code a}'s last element, whatever its strides. */
    static FloatBuffer spanBuffer(INDArray a) {
        FloatPointer p = pointer(a);
        return p.limit(p.position() + span(a)).asBuffer();
    }

    /** How many elements {@code a} reaches from its first to its last, whatever its strides. */
    static long span(INDArray a) {
        long span = 1;
        for (int d = 0; d < a.rank(); d++) {
            span += (a.size(d) - 1) * Math.abs(a.stride(d));
        }
        return span;
    }

    /** {@code a} itself when it is a float array laid out column-major without gaps, else an 'f' copy. */
    static INDArray fContiguous(INDArray a) {
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'f' && Shape.hasDefaultStridesForShape(a)) {
            return a;
        }
        return a.castTo(DataType.FLOAT).dup('f');
    }

    /** As {@link #fContiguous}, but a copy is made outside any workspace, so it outlives the current one. */
    static INDArray detachedFContiguous(INDArray a) {
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'f' && Shape.hasDefaultStridesForShape(a)
                && !a.isAttached()) {
            return a;
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return a.castTo(DataType.FLOAT).dup('f');
        }
    }

    /** The native memory of {@code a} (column-major, contiguous), from its first element. */
    static FloatPointer pointer(INDArray a) {
        // addressPointer() already points at the data buffer's own offset; a view may add more.
        return new FloatPointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
    }

    /** {@link #pointer} as a buffer of {@code a.length()} floats, index 0 = the first element. */
    static FloatBuffer buffer(INDArray a) {
        FloatPointer p = pointer(a);
        return p.limit(p.position() + a.length()).asBuffer();
    }
}
