package io.github.lstmsuite.common.nn;

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

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
            if (!(current instanceof Network)) {
                n.setUpdater(new Network(n, current == null ? null : current.getStateViewArray()));
            }
            return true;
        }
        if (model instanceof ComputationGraph g) {
            ComputationGraphUpdater current = g.getUpdater();
            if (!(current instanceof Graph)) {
                g.setUpdater(new Graph(g, current == null ? null : current.getStateViewArray()));
            }
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

    /** {@code MultiLayerNetwork}'s updater with the Java pass (see {@link FastUpdater}). */
    public static final class Network extends MultiLayerUpdater {
        private List<Part> parts;
        private boolean planned, javaPath;

        public Network(MultiLayerNetwork network, INDArray updaterState) {
            super(network, updaterState);
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!planned) {
                parts = isMiniBatch() ? plan(updaterBlocks, getFlattenedGradientsView()) : null;
                planned = true;
            }
            INDArray own = getFlattenedGradientsView();
            javaPath = parts != null && same(gradient.gradient(), own);
            if (!javaPath) {
                super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
                return;
            }
            divideAndClip(parts, own, batchSize);
            runBlocks(updaterBlocks, iteration, epoch, workspaceMgr);
        }

        @Override
        public Updater clone() {
            return new Network(network, null);
        }

        /** Whether the last step took the Java pass (false before the first step). */
        boolean javaPath() {
            return javaPath;
        }
    }

    /** {@code ComputationGraph}'s updater with the Java pass (see {@link FastUpdater}). */
    public static final class Graph extends ComputationGraphUpdater {
        private List<Part> parts;
        private boolean planned, javaPath;

        public Graph(ComputationGraph graph, INDArray updaterState) {
            super(graph, updaterState);
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (!planned) {
                parts = isMiniBatch() ? plan(updaterBlocks, getFlattenedGradientsView()) : null;
                planned = true;
            }
            INDArray own = getFlattenedGradientsView();
            javaPath = parts != null && same(gradient.gradient(), own);
            if (!javaPath) {
                super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
                return;
            }
            divideAndClip(parts, own, batchSize);
            runBlocks(updaterBlocks, iteration, epoch, workspaceMgr);
        }

        /** Whether the last step took the Java pass (false before the first step). */
        boolean javaPath() {
            return javaPath;
        }
    }
}
