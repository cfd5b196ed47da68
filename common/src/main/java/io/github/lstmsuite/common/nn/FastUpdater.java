package io.github.lstmsuite.common.nn;

import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.ConvexOptimizer;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J's updater of a whole network ({@code MultiLayerUpdater}, {@code ComputationGraphUpdater}) with the
 * work it does before the per-parameter updater — the division of the summed gradient by the batch size and
 * the per-layer gradient clipping ({@link GradientNormalization#ClipL2PerLayer}) — as one Java pass per layer,
 * and without the bookkeeping DL4J 1.0.0-M2.1 repeats at every step.
 *
 * <p>What DL4J does there, and why it is slow: the gradient a network hands its updater is always a fresh
 * reshaped view of the network's own gradient array ({@code DefaultGradient.gradient()}), so the updater takes
 * it for an "external" gradient and, at every step, builds an interval view of it for every parameter (twice,
 * for the regularisation before and after the update) and for the batch-size division; the division, the
 * L2 norm of each layer and its scaling are three ND4J ops walking every parameter. On the translator's 4 M
 * parameters that was 16 % of a training step (the norms alone 10 %); on the MNIST benchmark's 82 K
 * parameters the views were about a tenth of the step.
 *
 * <p>Here the same gradient is recognised as the network's own array (same memory), each layer's part of
 * it is divided by the batch size and its squared L2 norm summed in one pass (in two fixed halves, on the
 * LSTM layers' two workers for large layers: the same numbers for any number of threads), and scaled by
 * {@code threshold / norm} where the norm is above the threshold; then DL4J's own updater blocks run in their
 * standard (not external) path, regularisation included. The division and the scaling are ND4J's float
 * arithmetic; the norm is summed in double where ND4J sums floats, so the scale factor can differ from DL4J's
 * in its last bits. Networks with other normalisations, parameters that DL4J does not divide by the batch
 * size (batch normalisation's statistics), or non-float gradients take DL4J's own update unchanged.
 *
 * <p>Use: {@link #install(Model)} on a network before training (the suite's {@code Trainer} does it); the
 * updater state is kept, and a network saved afterwards is a plain DL4J network.
 */
public final class FastUpdater {
    /** {@code -Dlstm.suite.fastUpdater=false}: {@link #install} leaves DL4J's updater. */
    public static final String PROPERTY = "lstm.suite.fastUpdater";
    /** Layers from this many parameters use both workers. */
    private static final long TWO_THREADS_FROM = 1L << 18;
    /** Elements per pass through a heap array. */
    private static final int CHUNK = 4096;

    private FastUpdater() {
    }

    /**
     * Gives {@code model} (a {@code MultiLayerNetwork} or a {@code ComputationGraph}) this updater, with its
     * current updater state. Returns false for other models (left as they are), and when the system property
     * {@value #PROPERTY} is {@code false} (DL4J's own updater, for comparisons).
     */
    public static boolean install(Model model) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return false;
        }
        if (model instanceof MultiLayerNetwork n) {
            Updater current = n.getUpdater();
            Network u = current instanceof Network mine ? mine
                    : new Network(n, current == null ? null : current.getStateViewArray());
            if (u != current) {
                n.setUpdater(u);
            }
            u.core.optimizer = hookStep(n.getOptimizer(), u.core) ? n.getOptimizer() : null;
            return true;
        }
        if (model instanceof ComputationGraph g) {
            ComputationGraphUpdater current = g.getUpdater();
            Graph u = current instanceof Graph mine ? mine
                    : new Graph(g, current == null ? null : current.getStateViewArray());
            if (u != current) {
                g.setUpdater(u);
            }
            u.core.optimizer = hookStep(g.getOptimizer(), u.core) ? g.getOptimizer() : null;
            return true;
        }
        return false;
    }

    /** One layer's part of the flattened gradient and its clipping threshold (NaN: none). */
    private record Part(int start, int end, double threshold) {
    }

    /** The layers' parts, or null when DL4J's own update must run (see the class comment). */
    private static List<Part> plan(List<UpdaterBlock> blocks, INDArray gradientView) {
        if (gradientView == null || gradientView.dataType() != DataType.FLOAT || gradientView.length() >= Integer.MAX_VALUE
                || gradientView.length() > 1 && gradientView.elementWiseStride() != 1) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
        Trainable layer = null;
        int start = 0, end = 0;
        for (UpdaterBlock b : blocks) {
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                if (!p.getLayer().updaterDivideByMinibatch(p.getParamName())) {
                    return null;
                }
                if (p.getLayer() != layer) {
                    if (layer != null && !addPart(parts, layer, start, end)) {
                        return null;
                    }
                    layer = p.getLayer();
                    start = p.getParamOffsetStart();
                } else if (p.getParamOffsetStart() != end) {
                    return null;
                }
                end = p.getParamOffsetEnd();
            }
        }
        if (layer != null && !addPart(parts, layer, start, end)) {
            return null;
        }
        return parts;
    }

    private static boolean addPart(List<Part> parts, Trainable layer, int start, int end) {
        TrainingConfig c = layer.getConfig();
        GradientNormalization n = c == null ? null : c.getGradientNormalization();
        if (n == null || n == GradientNormalization.None) {
            parts.add(new Part(start, end, Double.NaN));
            return true;
        }
        if (n == GradientNormalization.ClipL2PerLayer && layer.getGradientsViewArray() != null
                && layer.getGradientsViewArray().length() == end - start) {
            parts.add(new Part(start, end, c.getGradientNormalizationThreshold()));
            return true;
        }
        return false;
    }

    /** Whether {@code given} is {@code own}: the same elements of the same memory. */
    private static boolean same(INDArray given, INDArray own) {
        if (given == own) {
            return true;
        }
        return given != null && own != null && given.length() == own.length() && given.dataType() == own.dataType()
                && (given.length() <= 1 || given.elementWiseStride() == 1)
                && FastLstmLayer.pointer(given).address() + 4 * FastLstmLayer.pointer(given).position()
                == FastLstmLayer.pointer(own).address() + 4 * FastLstmLayer.pointer(own).position();
    }

    /** The division by the batch size and the clipping, layer by layer, on the flattened gradient. */
    static void divideAndClip(List<Part> parts, INDArray gradient, int batchSize) {
        FloatBuffer g = FastLstmLayer.buffer(gradient);
        float divisor = batchSize;
        for (Part part : parts) {
            int n = part.end() - part.start();
            boolean clip = !Double.isNaN(part.threshold());
            double[] sums = new double[2];
            int workers = n >= TWO_THREADS_FROM ? FastLstmLayer.configuredWorkers() : 1;
            FastLstmLayer.runBlocks(workers, 2, half -> {
                float[] c = new float[CHUNK];
                double sum = 0;
                for (int at = part.start() + (int) ((long) n * half / 2), end = part.start() + (int) ((long) n * (half + 1) / 2);
                     at < end; at += CHUNK) {
                    int len = Math.min(CHUNK, end - at);
                    g.get(at, c, 0, len);
                    for (int i = 0; i < len; i++) {
                        float x = c[i] / divisor;                      // ND4J's divi(batchSize) on floats
                        c[i] = x;
                        sum += (double) x * x;
                    }
                    g.put(at, c, 0, len);
                }
                sums[half] = sum;
            });
            if (!clip) {
                continue;
            }
            double norm = Math.sqrt(sums[0] + sums[1]);
            if (norm > part.threshold()) {
                float scale = (float) (part.threshold() / norm);        // ND4J's muli(double) on floats
                FastLstmLayer.runBlocks(workers, 2, half -> {
                    float[] c = new float[CHUNK];
                    for (int at = part.start() + (int) ((long) n * half / 2), end = part.start() + (int) ((long) n * (half + 1) / 2);
                         at < end; at += CHUNK) {
                        int len = Math.min(CHUNK, end - at);
                        g.get(at, c, 0, len);
                        for (int i = 0; i < len; i++) {
                            c[i] *= scale;
                        }
                        g.put(at, c, 0, len);
                    }
                });
            }
        }
    }

    /** The steps after the division and the clipping: DL4J's updater blocks in their standard path. */
    private static void runBlocks(List<UpdaterBlock> blocks, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        workspaceMgr.assertNotOpen(ArrayType.UPDATER_WORKING_MEM, "Updater working memory");
        for (UpdaterBlock ub : blocks) {
            if (ub.skipDueToPretrainConfig(false)) {
                continue;
            }
            try (MemoryWorkspace ws = workspaceMgr.notifyScopeEntered(ArrayType.UPDATER_WORKING_MEM)) {
                ub.update(iteration, epoch);
            }
        }
    }

    /** Whether every block can take the fused step: {@link FastAdam}'s updater, no regularisation, not skipped. */
    private static boolean fusable(List<UpdaterBlock> blocks) {
        for (UpdaterBlock ub : blocks) {
            if (!(ub.getGradientUpdater() instanceof FastAdam.Updater) || ub.skipDueToPretrainConfig(false)) {
                return false;
            }
            for (UpdaterBlock.ParamState p : ub.getLayersAndVariablesInBlock()) {
                TrainingConfig c = p.getLayer().getConfig();
                List<Regularization> r = c == null ? null : c.getRegularizationByParam(p.getParamName());
                if (r != null && !r.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The state and the step shared by both updaters. With {@link FastAdam} on every block, no regularisation
     * and DL4J's plain SGD step function replaced by {@link Step} (see {@link #install}), the whole step —
     * division, clipping, Adam, and the subtraction of the update from the parameters that DL4J's optimizer
     * does next — is one read of the gradient for the clipped layers' norms and one fused pass
     * ({@link FastAdam.Updater#fusedStep}); else the division and clipping pass, DL4J's blocks, DL4J's step.
     */
    static final class Core {
        private List<Part> parts;
        private boolean planned, javaPath, fusedStep, applied;
        private ConvexOptimizer optimizer;

        /** Returns false when DL4J's own update must run. */
        boolean update(List<UpdaterBlock> blocks, INDArray own, INDArray given, INDArray params, boolean miniBatch,
                       int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!planned) {
                parts = miniBatch ? plan(blocks, own) : null;
                planned = true;
            }
            applied = false;
            javaPath = parts != null && same(given, own);
            if (!javaPath) {
                return false;
            }
            fusedStep = optimizer != null && optimizer.getGradientsAccumulator() == null && fusable(blocks)
                    && params != null && params.dataType() == DataType.FLOAT && params.length() == own.length()
                    && (params.length() <= 1 || params.elementWiseStride() == 1);
            if (!fusedStep) {
                divideAndClip(parts, own, batchSize);
                runBlocks(blocks, iteration, epoch, workspaceMgr);
                return true;
            }
            workspaceMgr.assertNotOpen(ArrayType.UPDATER_WORKING_MEM, "Updater working memory");
            FloatBuffer g = FastLstmLayer.buffer(own), p = FastLstmLayer.buffer(params);
            int[] starts = new int[parts.size()], ends = new int[parts.size()];
            float[] scales = clipScales(parts, g, batchSize, starts, ends);
            for (UpdaterBlock ub : blocks) {
                FastAdam.Updater adam = (FastAdam.Updater) ub.getGradientUpdater();
                if (!adam.fusedStep(g, p, ub.getParamOffsetStart(), batchSize, starts, ends, scales, iteration, epoch)) {
                    throw new IllegalStateException("FastUpdater: Adam's state of block " + ub.getParamOffsetStart()
                            + "–" + ub.getParamOffsetEnd() + " is not a contiguous float array");
                }
            }
            applied = true;
            return true;
        }

        /** Whether the last update also subtracted itself from the parameters (cleared by reading it). */
        boolean takeApplied() {
            boolean a = applied;
            applied = false;
            return a;
        }
    }

    /**
     * The factor {@code threshold / norm} of every clipped layer whose norm (of its gradient divided by the
     * batch size) is above its threshold, NaN for the others; {@code starts}/{@code ends} receive the parts.
     * The norm is {@link #divideAndClip}'s, read without writing.
     */
    private static float[] clipScales(List<Part> parts, FloatBuffer g, int batchSize, int[] starts, int[] ends) {
        float divisor = batchSize;
        float[] scales = new float[parts.size()];
        for (int k = 0; k < parts.size(); k++) {
            Part part = parts.get(k);
            starts[k] = part.start();
            ends[k] = part.end();
            scales[k] = Float.NaN;
            if (Double.isNaN(part.threshold())) {
                continue;
            }
            int n = part.end() - part.start();
            double[] sums = new double[2];
            int workers = n >= TWO_THREADS_FROM ? FastLstmLayer.configuredWorkers() : 1;
            FastLstmLayer.runBlocks(workers, 2, half -> {
                float[] c = new float[CHUNK];
                double sum = 0;
                for (int at = part.start() + (int) ((long) n * half / 2), end = part.start() + (int) ((long) n * (half + 1) / 2);
                     at < end; at += CHUNK) {
                    int len = Math.min(CHUNK, end - at);
                    g.get(at, c, 0, len);
                    for (int i = 0; i < len; i++) {
                        float x = c[i] / divisor;
                        sum += (double) x * x;
                    }
                }
                sums[half] = sum;
            });
            double norm = Math.sqrt(sums[0] + sums[1]);
            if (norm > part.threshold()) {
                scales[k] = (float) (part.threshold() / norm);
            }
        }
        return scales;
    }

    /** DL4J's SGD step ({@code params -= update}), skipped after an update that {@link Core} already subtracted. */
    static final class Step extends NegativeGradientStepFunction {
        private final Core core;

        Step(Core core) {
            this.core = core;
        }

        @Override
        public void step(INDArray x, INDArray line) {
            if (!core.takeApplied()) {
                super.step(x, line);
            }
        }

        @Override
        public void step(INDArray x, INDArray line, double step) {
            step(x, line);
        }
    }

    /**
     * Gives {@code optimizer} (DL4J's SGD with its plain step) the {@link Step} that skips fused updates;
     * false when it is another optimizer or step, or its field cannot be set (then no update is fused).
     */
    private static boolean hookStep(ConvexOptimizer optimizer, Core core) {
        if (!(optimizer instanceof StochasticGradientDescent o)) {
            return false;
        }
        try {
            Field f = BaseOptimizer.class.getDeclaredField("stepFunction");
            f.setAccessible(true);
            Object current = f.get(o);
            if (current instanceof Step s && s.core == core) {
                return true;
            }
            if (current == null || !(current instanceof Step) && current.getClass() != NegativeGradientStepFunction.class) {
                return false;
            }
            f.set(o, new Step(core));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** What both updaters expose to tests: whether the last step took the Java pass, and whether it was fused. */
    interface Fast {
        Core core();

        /** Whether the last step took the Java pass (false before the first step). */
        default boolean javaPath() {
            return core().javaPath;
        }

        /** Whether the last step was fused with the parameters' update. */
        default boolean fusedStep() {
            return core().javaPath && core().fusedStep;
        }
    }

    /** {@code MultiLayerNetwork}'s updater with the Java pass (see {@link FastUpdater}). */
    public static final class Network extends MultiLayerUpdater implements Fast {
        private final Core core = new Core();

        public Network(MultiLayerNetwork network, INDArray updaterState) {
            super(network, updaterState);
        }

        @Override
        public Core core() {
            return core;
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!core.update(updaterBlocks, getFlattenedGradientsView(), gradient.gradient(), getParams(), isMiniBatch(),
                    iteration, epoch, batchSize, workspaceMgr)) {
                super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            }
        }

        @Override
        public Updater clone() {
            return new Network(network, null);
        }
    }

    /** {@code ComputationGraph}'s updater with the Java pass (see {@link FastUpdater}). */
    public static final class Graph extends ComputationGraphUpdater implements Fast {
        private final Core core = new Core();

        public Graph(ComputationGraph graph, INDArray updaterState) {
            super(graph, updaterState);
        }

        @Override
        public Core core() {
            return core;
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!core.update(updaterBlocks, getFlattenedGradientsView(), gradient.gradient(), getParams(), isMiniBatch(),
                    iteration, epoch, batchSize, workspaceMgr)) {
                super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            }
        }
    }
}
