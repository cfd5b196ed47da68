package io.github.lstmsuite.layers;

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
 * L2 norm of each layer and its scaling are three ND4J ops walking every parameter. On the translator's 3.2 M
 * parameters that was 16 % of a training step (the norms alone 10 %); on the MNIST benchmark's 82 K
 * parameters the views were about a tenth of the step.
 *
 * <p>Here the same gradient is recognised as the network's own array (same memory); the squared L2 norm of
 * each clipped layer's part, divided by the batch size, is summed in one read (in two fixed halves, on the
 * LSTM layers' two workers for large layers: the same numbers for any number of threads); then one pass
 * divides each part by the batch size and scales it by {@code threshold / norm} where the norm is above the
 * threshold, and DL4J's own updater blocks run in their standard (not external) path, regularisation
 * included — or, with {@link FastAdam} everywhere and no regularisation, that pass, Adam and the parameters'
 * update are one (see {@link Core}). The division and the scaling are ND4J's float
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

    /**
     * What a step does, worked out once from the network's layers: layer {@code k}'s part of the flattened
     * gradient is {@code [starts[k], ends[k])}, clipped at {@code thresholds[k]} (NaN: not clipped);
     * {@code fusable}: every block is {@link FastAdam}'s, none is skipped and nothing is regularised.
     */
    private record Plan(int[] starts, int[] ends, double[] thresholds, boolean fusable) {
    }

    /** The plan, or null when DL4J's own update must run (see the class comment). */
    private static Plan plan(List<UpdaterBlock> blocks, INDArray gradientView) {
        if (gradientView == null || gradientView.dataType() != DataType.FLOAT || gradientView.length() >= Integer.MAX_VALUE
                || gradientView.length() > 1 && gradientView.elementWiseStride() != 1) {
            return null;
        }
        List<int[]> parts = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        boolean fusable = true;
        Trainable layer = null;
        int start = 0, end = 0;
        for (UpdaterBlock b : blocks) {
            fusable &= b.getGradientUpdater() instanceof FastAdam.Updater && !b.skipDueToPretrainConfig(false);
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                if (!p.getLayer().updaterDivideByMinibatch(p.getParamName())) {
                    return null;
                }
                TrainingConfig c = p.getLayer().getConfig();
                List<Regularization> r = c == null ? null : c.getRegularizationByParam(p.getParamName());
                fusable &= r == null || r.isEmpty();
                if (p.getLayer() != layer) {
                    if (layer != null && !addPart(parts, thresholds, layer, start, end)) {
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
        if (layer != null && !addPart(parts, thresholds, layer, start, end)) {
            return null;
        }
        return new Plan(parts.stream().mapToInt(x -> x[0]).toArray(), parts.stream().mapToInt(x -> x[1]).toArray(),
                thresholds.stream().mapToDouble(Double::doubleValue).toArray(), fusable);
    }

    /** Adds the layer's part with its threshold; false for a normalisation other than none or per-layer clipping. */
    private static boolean addPart(List<int[]> parts, List<Double> thresholds, Trainable layer, int start, int end) {
        TrainingConfig c = layer.getConfig();
        GradientNormalization n = c == null ? null : c.getGradientNormalization();
        if (n == null || n == GradientNormalization.None) {
            thresholds.add(Double.NaN);
        } else if (n == GradientNormalization.ClipL2PerLayer && layer.getGradientsViewArray() != null
                && layer.getGradientsViewArray().length() == end - start) {
            thresholds.add(c.getGradientNormalizationThreshold());
        } else {
            return false;
        }
        parts.add(new int[] {start, end});
        return true;
    }

    /** Where {@code a}'s first element is in memory. */
    private static long address(INDArray a) {
        var p = FastLstmLayer.pointer(a);
        return p.address() + 4 * p.position();
    }

    /** Whether {@code given} is {@code own}: the same elements of the same memory. */
    private static boolean same(INDArray given, INDArray own) {
        return given == own || given != null && own != null && given.length() == own.length()
                && given.dataType() == own.dataType() && (given.length() <= 1 || given.elementWiseStride() == 1)
                && address(given) == address(own);
    }

    /** What one chunk of a part does; returns its contribution to the part's sum. */
    private interface Chunk {
        double apply(float[] c, int len);
    }

    /**
     * {@code body} over {@code g[start, end)} in two fixed halves (on both workers from {@link #TWO_THREADS_FROM}
     * elements), chunk by chunk through a heap array, written back when {@code write}; returns the halves'
     * sums added in a fixed order, so the same numbers for any number of threads.
     */
    private static double halves(FloatBuffer g, int start, int end, boolean write, Chunk body) {
        int n = end - start;
        double[] sums = new double[2];
        FastLstmLayer.runBlocks(n >= TWO_THREADS_FROM ? FastLstmLayer.configuredWorkers() : 1, 2, half -> {
            float[] c = new float[CHUNK];
            double sum = 0;
            for (int at = start + (int) ((long) n * half / 2), to = start + (int) ((long) n * (half + 1) / 2); at < to; at += CHUNK) {
                int len = Math.min(CHUNK, to - at);
                g.get(at, c, 0, len);
                sum += body.apply(c, len);
                if (write) {
                    g.put(at, c, 0, len);
                }
            }
            sums[half] = sum;
        });
        return sums[0] + sums[1];
    }

    /**
     * The factor {@code threshold / norm} of every clipped layer whose norm — of its gradient divided by the
     * batch size, summed in double — is above its threshold; NaN for the others. Reads, writes nothing.
     */
    private static float[] clipScales(Plan plan, FloatBuffer g, int batchSize) {
        float divisor = batchSize;
        float[] scales = new float[plan.starts().length];
        for (int k = 0; k < scales.length; k++) {
            scales[k] = Float.NaN;
            double threshold = plan.thresholds()[k];
            if (Double.isNaN(threshold)) {
                continue;
            }
            double norm = Math.sqrt(halves(g, plan.starts()[k], plan.ends()[k], false, (c, len) -> {
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    float x = c[i] / divisor;
                    sum += (double) x * x;
                }
                return sum;
            }));
            if (norm > threshold) {
                scales[k] = (float) (threshold / norm);
            }
        }
        return scales;
    }

    /** DL4J's division by the batch size and its clipping, in place: ND4J's {@code divi}, then {@code muli}, on floats. */
    private static void divideAndScale(Plan plan, FloatBuffer g, int batchSize, float[] scales) {
        float divisor = batchSize;
        for (int k = 0; k < scales.length; k++) {
            final float scale = scales[k];
            final boolean scaled = !Float.isNaN(scale);
            halves(g, plan.starts()[k], plan.ends()[k], true, (c, len) -> {
                for (int i = 0; i < len; i++) {
                    float x = c[i] / divisor;
                    c[i] = scaled ? x * scale : x;
                }
                return 0;
            });
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

    /**
     * The state and the step shared by both updaters: one read of the clipped layers' gradients for their
     * norms, then, with a fusable plan and DL4J's plain SGD step function replaced by {@link Step} (see
     * {@link #install}), one fused pass per block ({@link FastAdam.Updater#fusedStep}: division, clipping,
     * Adam and the subtraction of the update from the parameters that DL4J's optimizer would do next); else
     * one pass dividing and clipping in place, DL4J's blocks, DL4J's step.
     */
    static final class Core {
        private Plan plan;
        private boolean planned, javaPath, fusedStep, applied;
        private ConvexOptimizer optimizer;

        /** Returns false when DL4J's own update must run. */
        boolean update(List<UpdaterBlock> blocks, INDArray own, INDArray given, INDArray params, boolean miniBatch,
                       int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!planned) {
                plan = miniBatch ? plan(blocks, own) : null;
                planned = true;
            }
            applied = false;
            javaPath = plan != null && same(given, own);
            if (!javaPath) {
                return false;
            }
            fusedStep = plan.fusable() && optimizer != null && optimizer.getGradientsAccumulator() == null
                    && params != null && params.dataType() == DataType.FLOAT && params.length() == own.length()
                    && (params.length() <= 1 || params.elementWiseStride() == 1);
            FloatBuffer g = FastLstmLayer.buffer(own);
            float[] scales = clipScales(plan, g, batchSize);
            if (!fusedStep) {
                divideAndScale(plan, g, batchSize, scales);
                runBlocks(blocks, iteration, epoch, workspaceMgr);
                return true;
            }
            workspaceMgr.assertNotOpen(ArrayType.UPDATER_WORKING_MEM, "Updater working memory");
            FloatBuffer p = FastLstmLayer.buffer(params);
            for (UpdaterBlock ub : blocks) {
                FastAdam.Updater adam = (FastAdam.Updater) ub.getGradientUpdater();
                if (!adam.fusedStep(g, p, ub.getParamOffsetStart(), batchSize, plan.starts(), plan.ends(), scales, iteration, epoch)) {
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
