package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link SoftmaxOutput}: DL4J's {@code RnnOutputLayer} (softmax, sparse cross-entropy)
 * with a one-pass training step, and an inference pass ({@code activate}) whose product runs on both cores
 * and whose softmax is one pass per row.
 *
 * <pre>
 *   x  [B, nIn, T] → x2 [B·T, nIn]  (one row per step, in DL4J's reshape3dTo2d order; labels and mask alike), dropout
 *   p = softmax(x2 · W + b)                      [B·T, V]   computed once
 *   loss = −Σ m · log p[y]                       (the mask m per step; DL4J divides by B)
 *   δ = m · (p − onehot(y))                      [B·T, V]   the gradient of the loss w.r.t. the logits
 *       (label smoothing ε: δ = m · (p − (1 − ε)·onehot(y) − ε/V); the loss reported stays the one above)
 *   dW = x2ᵀ δ,  db = Σ δ,  dx = δ Wᵀ → [B, nIn, T]
 * </pre>
 * The score of the same step (DL4J asks for it right after the gradients) is the loss just computed, so
 * it includes the dropout the gradient saw; DL4J's own layer scores that step without it.
 */
public class SoftmaxOutputLayer extends RnnOutputLayer {
    private static final double LOG_CLIP = 1e-10;   // as DL4J's MCXENT: log of at least 1e-10

    private final StoredLoss stored = new StoredLoss();      // the backward pass's loss, for DL4J's score

    public SoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (input.rank() != 3 || labels == null || labels.rank() != 3) {
            throw new IllegalStateException("SoftmaxOutputLayer needs input [B, nIn, T] and labels [B, 1, T] " + layerId());
        }
        INDArray input3d = input;
        long batch = input3d.size(0);
        this.input = rowsPerStep(input3d, workspaceMgr, ArrayType.BP_WORKING_MEM);                      // [B·T, nIn]
        applyDropOutIfNecessary(true, workspaceMgr);
        INDArray x = input;
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);         // [nIn, V]
        long n = x.size(0);
        long v = w.size(1);

        // the logits x·W, then in place p = softmax(logits + b) and δ (below): the logits are never needed again
        INDArray p = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, w.dataType(), new long[] {n, v}, 'c');
        final int workers = FastLstmLayer.configuredWorkers();
        INDArray xf = x.castTo(w.dataType());
        if (!Gemm.product(xf, false, w, false, p, workers)) {               // both cores; else ND4J's one
            xf.mmuli(w, p);
        }
        float[] y = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM).toFloatVector();                // [B·T]
        float[] m = maskArray == null ? null : maskArray.toFloatVector();                             // [B·T] or null
        double smooth = ((SoftmaxOutput) layerConf()).getLabelSmoothing();
        INDArray bias = hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, true, workspaceMgr) : null;
        INDArray biasGrad = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
        double loss = p.dataType() == DataType.FLOAT && (biasGrad == null || biasGrad.dataType() == DataType.FLOAT)
                ? softmaxDelta(p, bias, biasGrad, y, m, smooth, workers)
                : softmaxDeltaNd4j(p, bias, biasGrad, y, m, smooth);
        INDArray delta = p;

        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        if (!Gemm.product(xf, true, delta, false, weightGrad, workers)) {                               // x2ᵀ δ
            Nd4j.gemm(xf, delta, weightGrad, true, false, 1.0, 0.0);
        }
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (biasGrad != null) {
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);             // Σ δ over rows
        }
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {n, w.size(0)}, 'f');
        if (!Gemm.product(delta, false, w, true, eps, workers)) {                                      // δ Wᵀ [B·T, nIn]
            Nd4j.gemm(delta, w, eps, false, true, 1.0, 0.0);
        }
        eps = backpropDropOutIfPresent(eps);
        this.input = input3d;
        INDArray eps3d = TimeSeriesUtils.reshape2dTo3d(eps, batch, workspaceMgr, ArrayType.ACTIVATION_GRAD); // [B, nIn, T]
        weightNoiseParams.clear();

        stored.keep(input3d, labels, loss);
        return new Pair<>(gradient, eps3d);
    }

    /**
     * Inference, float32: {@code p = softmax(x2 · W + b)} with the product on the layer's workers
     * ({@link Gemm}) and each row's softmax in one pass ({@link #softmaxRows}), written straight into the
     * activations: a row-major {@code [T·B, V]} array seen as {@code [B, V, T]}. The same values as DL4J's
     * {@code RnnOutputLayer} up to rounding (its softmax is ND4J's op); a row whose step is masked is zero,
     * as there. Training, float64 networks and other layouts go through DL4J's.
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (training || input.rank() != 3 || w.dataType() != DataType.FLOAT || layerConf().getWeightNoise() != null
                || layerConf().getRnnDataFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC) {
            return super.activate(training, workspaceMgr);
        }
        final long batch = input.size(0), steps = input.size(2), v = w.size(1);
        INDArray x = rowsPerStep(input.castTo(DataType.FLOAT), workspaceMgr, ArrayType.FF_WORKING_MEM);  // [T·B, nIn], row t·B + b
        INDArray p = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {batch * steps, v}, 'c');
        int workers = FastLstmLayer.configuredWorkers();
        if (!Gemm.product(x, false, w, false, p, workers)) {
            x.mmuli(w, p);
        }
        float[] m = maskArray == null ? null : maskArray.castTo(DataType.FLOAT).toFloatVector();       // [T·B] or null
        if (m != null && m.length != p.size(0)) {
            return super.activate(false, workspaceMgr);            // a mask per output, not per step: DL4J's way
        }
        INDArray bias = hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null;
        softmaxRows(p, bias == null ? null : bias.castTo(DataType.FLOAT).toFloatVector(), m, workers);
        // [T·B, V] row-major read as [B, V, T] (strides V, 1, B·V) over the same buffer, not through reshape and
        // permute: their result is a view, which ND4J will not close(), so a caller's try-with-resources around
        // net.output(...) would leave this layer's output to the garbage collector
        long[] shape = {batch, v, steps}, stride = {v, 1, batch * v};
        return Nd4j.create(p.data(), shape, stride, p.offset(), Shape.getOrder(shape, stride, 1));               // [B, V, T]
    }

    /**
     * In place over the logits {@code z} [n, V] (float32, row-major): each row becomes {@code m · softmax(z + b)}
     * (rows with mask 0 become 0 without exponentials), the rows in two fixed halves on the layer's workers.
     */
    private static void softmaxRows(INDArray z, float[] b, float[] m, int workers) {
        eachRow(z, m, workers, (half, i, row, mi) -> {
            float scale = (float) (mi / expShifted(row, b));
            for (int j = 0; j < row.length; j++) {
                row[j] *= scale;
            }
        });
    }

    /** What {@link #eachRow} does to one unmasked row, in place; {@code half} is the worker's half (0 or 1). */
    private interface RowPass {
        void apply(int half, int i, float[] row, float mask);
    }

    /**
     * Every row {@code i} of {@code z} [n, V] (float32, row-major) in two fixed halves on the layer's workers:
     * a row whose mask is 0 becomes 0; any other is read into a {@code float[]}, given to {@code pass} and
     * written back.
     */
    private static void eachRow(INDArray z, float[] m, int workers, RowPass pass) {
        final int n = (int) z.size(0), v = (int) z.size(1);
        final org.bytedeco.javacpp.FloatPointer zp = FastLstmLayer.pointer(z);
        final long base = zp.position();
        FastLstmLayer.runBlocks(workers, 2, half -> {
            org.bytedeco.javacpp.FloatPointer at = new org.bytedeco.javacpp.FloatPointer(zp);   // its own position
            float[] row = new float[v];
            for (int i = n * half / 2; i < n * (half + 1) / 2; i++) {
                float mi = m == null ? 1f : m[i];
                at.position(base + (long) i * v);
                if (mi == 0f) {
                    java.util.Arrays.fill(row, 0f);
                } else {
                    at.get(row, 0, v);
                    pass.apply(half, i, row, mi);
                }
                at.put(row, 0, v);
            }
        });
    }

    /**
     * One row's unnormalised softmax in place: {@code row = exp(row + b − max)} ({@code b} may be null);
     * returns the row's sum (in double). Shared by the training and the inference passes, and by
     * {@link DenseSoftmaxOutputLayer}.
     */
    static double expShifted(float[] row, float[] b) {
        int v = row.length;
        if (b != null) {
            for (int j = 0; j < v; j++) {
                row[j] += b[j];
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, row[j]);
        }
        double total = 0;
        for (int j = 0; j < v; j++) {
            float e = (float) Math.exp(row[j] - max);
            row[j] = e;
            total += e;
        }
        return total;
    }

    /**
     * {@code [B, nIn, T]} → {@code [B·T, nIn]}, row {@code t·B + b}: the order of DL4J's {@code reshape3dTo2d},
     * which the labels and the mask follow. DL4J's version copies element by element through a permuted view;
     * when the batch index has stride 1 (the Java kernel's output, DL4J's 'f' arrays) this copies runs of B
     * floats into a column-major array, and when the features are adjacent (oneDNN's {@code [B, T, nIn]}
     * output) runs of nIn floats into a row-major one.
     */
    static INDArray rowsPerStep(INDArray x3, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        if (x3.dataType() != DataType.FLOAT || x3.size(0) == 1 || x3.stride(0) != 1 && x3.stride(1) != 1) {
            return TimeSeriesUtils.reshape3dTo2d(x3, workspaceMgr, type);
        }
        final int b = (int) x3.size(0), k = (int) x3.size(1), t = (int) x3.size(2);
        final boolean byBatch = x3.stride(0) == 1;
        INDArray x2 = workspaceMgr.createUninitialized(type, DataType.FLOAT, new long[] {(long) b * t, k}, byBatch ? 'f' : 'c');
        java.nio.FloatBuffer src = FastLstmLayer.spanBuffer(x3), dst = FastLstmLayer.buffer(x2);
        final long sb = x3.stride(0), sk = x3.stride(1), st = x3.stride(2);
        if (byBatch) {
            for (int j = 0; j < k; j++) {
                for (int s = 0; s < t; s++) {
                    dst.put(s * b + b * t * j, src, (int) (j * sk + s * st), b);
                }
            }
        } else {
            for (int s = 0; s < t; s++) {
                for (int i = 0; i < b; i++) {
                    dst.put((s * b + i) * k, src, (int) (i * sb + s * st), k);
                }
            }
        }
        return x2;
    }

    /**
     * In place over the logits {@code z} [n, V] (float32, row-major): each row becomes
     * δ = m · (softmax(z + b) − (1 − ε)·onehot(y) − ε/V), rows with mask 0 become 0 (no exponentials for
     * padding), {@code biasGrad} = Σ δ over rows; returns the loss −Σ m · log p[y]. One pass per row, the rows
     * in two fixed halves on the layer's workers (the halves' bias sums added in order: the numbers do not
     * depend on the core count). ND4J's softmax, and the element-wise passes that followed it, ran on one core.
     */
    private static double softmaxDelta(INDArray z, INDArray bias, INDArray biasGrad, float[] y, float[] m, double smooth,
                                       int workers) {
        if (z.ordering() != 'c' || !z.isMatrix() || z.stride(1) != 1 || z.stride(0) != z.size(1)) {
            throw new IllegalStateException("logits must be a row-major [n, V] array, got " + z.shapeInfoToString());
        }
        final int n = (int) z.size(0), v = (int) z.size(1);
        final float[] b = bias == null ? null : bias.toFloatVector();
        final float spread = (float) (smooth / v), hit = (float) (1 - smooth);
        final double[] rowLoss = new double[n];
        final float[][] bSum = new float[2][biasGrad == null ? 0 : v];
        eachRow(z, m, workers, (half, i, row, mi) -> {
            float inv = (float) (1 / expShifted(row, b));
            int label = (int) y[i];
            float py = row[label] * inv;
            rowLoss[i] = -mi * Math.log(Math.max(py, LOG_CLIP));          // the true token's cross-entropy
            for (int j = 0; j < v; j++) {
                row[j] = mi * (row[j] * inv - spread);
            }
            row[label] -= mi * hit;
            float[] sum = bSum[half];
            for (int j = 0; j < sum.length; j++) {
                sum[j] += row[j];
            }
        });
        if (biasGrad != null) {
            float[] g = new float[v];
            for (int j = 0; j < v; j++) {
                g[j] = bSum[0][j] + bSum[1][j];
            }
            biasGrad.assign(Nd4j.createFromArray(g).reshape(biasGrad.shape()));
        }
        double loss = 0;
        for (double l : rowLoss) {
            loss += l;
        }
        return loss;
    }

    /** {@link #softmaxDelta} with ND4J's ops, for a float64 network. */
    private static double softmaxDeltaNd4j(INDArray p, INDArray bias, INDArray biasGrad, float[] y, float[] m, double smooth) {
        long n = p.size(0), v = p.size(1);
        if (bias != null) {
            p.addiRowVector(bias);
        }
        Nd4j.exec(new SoftMax(p, p, 1));
        double[] py = new double[(int) n];
        for (int i = 0; i < n; i++) {
            py[i] = p.getDouble(i, (int) y[i]);
        }
        if (smooth > 0) {
            p.subi(smooth / v);                 // label smoothing: the target is (1 − ε)·onehot + ε/V
        }
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (m != null && m[i] == 0) {
                continue;
            }
            int label = (int) y[i];
            loss -= (m == null ? 1 : m[i]) * Math.log(Math.max(py[i], LOG_CLIP));   // the true token's cross-entropy
            p.putScalar(i, label, p.getDouble(i, label) - (1 - smooth));
        }
        if (m != null) {
            p.muliColumnVector(Nd4j.createFromArray(m).reshape(n, 1).castTo(p.dataType()));
        }
        if (biasGrad != null) {
            p.sum(biasGrad, 0);
        }
        return loss;
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double loss = training ? stored.take(input, labels) : Double.NaN;
        if (Double.isNaN(loss)) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        this.score = (conf().isMiniBatch() ? loss / getInputMiniBatchSize() : loss) + fullNetRegTerm;
        return this.score;
    }

    @Override
    public void clear() {
        super.clear();
        stored.clear();
    }
}
