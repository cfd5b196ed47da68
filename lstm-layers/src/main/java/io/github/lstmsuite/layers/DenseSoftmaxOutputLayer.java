package io.github.lstmsuite.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The layer behind {@link DenseSoftmaxOutput}: DL4J's {@code OutputLayer} (softmax, cross-entropy) with a
 * training step of three BLAS products and one Java pass over the rows, and an inference pass of one
 * product and the same row pass.
 *
 * <pre>
 *   x  [B, nIn] (after dropout),  y  [B, C] one-hot (any rows DL4J accepts: δ = p − y as there)
 *   p = softmax(x · W + b)                          [B, C]   computed once
 *   loss = −Σ y · log clip(p)                        (clip to [ε, 1 − ε], ε = the loss's softmaxClipEps; DL4J divides by B)
 *   δ = p − y,   dW = xᵀ δ,   db = Σ δ over rows,   dx = δ Wᵀ  [B, nIn]
 * </pre>
 * The score DL4J asks for right after the gradients is the loss just computed (the same dropped-out input,
 * as DL4J's own layer scores it). Float64 networks, masks, weight noise and layer normalisation take
 * DL4J's own path, unchanged.
 */
public class DenseSoftmaxOutputLayer extends OutputLayer {
    /** Products of fewer multiply-adds than this run on the calling thread (the hand-over costs more). */
    private static final long ONE_THREAD_BELOW = 1L << 21;

    private final StoredLoss stored = new StoredLoss();      // the backward pass's loss, for DL4J's score

    public DenseSoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Whether this pass can take the Java path (else DL4J's own code runs). */
    boolean javaPath(boolean training) {
        return dataType == DataType.FLOAT && getParam(DefaultParamInitializer.WEIGHT_KEY).dataType() == DataType.FLOAT
                && maskArray == null && layerConf().getWeightNoise() == null && !hasLayerNorm()
                && input != null && input.rank() == 2 && (!training || labels != null && labels.rank() == 2);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!javaPath(true)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        applyDropOutIfNecessary(true, workspaceMgr);
        INDArray x = checkedInput();                                                               // [B, nIn]
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);                                 // [nIn, C]
        final int n = (int) x.size(0), k = (int) x.size(1), c = (int) w.size(1);
        if (labels.size(0) != n || labels.size(1) != c) {
            throw new IllegalStateException("labels " + java.util.Arrays.toString(labels.shape()) + " do not match the output ["
                    + n + ", " + c + "] " + layerId());
        }

        // the logits, then in place δ = softmax(logits + b) − y, one pass per row
        INDArray z = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {n, c}, 'c');
        product(x, false, w, false, z);
        float[] zs = new float[n * c];
        FastLstmLayer.pointer(z).get(zs);
        float[] y = rowMajor(labels);
        float[] b = bias();
        double clip = ((LossMCXENT) layerConf().getLossFn()).getSoftmaxClipEps();
        float[] biasGrad = new float[c];
        double loss = 0;
        float[] row = new float[c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(zs, i * c, row, 0, c);
            float inv = (float) (1 / SoftmaxOutputLayer.expShifted(row, b));
            for (int j = 0; j < c; j++) {
                float p = row[j] * inv, yj = y[i * c + j];
                if (yj != 0) {
                    float pc = clip > 0 ? (float) Math.min(Math.max(p, clip), 1 - clip) : p;
                    loss -= yj * Math.log(pc);
                }
                float d = p - yj;
                zs[i * c + j] = d;
                biasGrad[j] += d;
            }
        }
        FastLstmLayer.pointer(z).put(zs);
        INDArray delta = z;

        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        product(x, true, delta, false, weightGrad);                                               // xᵀ δ
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (hasBias()) {
            INDArray bg = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            FloatBuffer gb = FastLstmLayer.spanBuffer(bg);
            for (int j = 0; j < c; j++) {
                gb.put((int) (j * bg.stride(bg.rank() - 1)), biasGrad[j]);
            }
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, bg);
        }
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {n, k}, 'f');
        product(delta, false, w, true, eps);                                                      // δ Wᵀ
        eps = backpropDropOutIfPresent(eps);
        weightNoiseParams.clear();

        stored.keep(input, labels, loss);
        return new Pair<>(gradient, eps);
    }

    /**
     * Inference, float32: {@code softmax(x · W + b)} into the activations array, one Java pass per row.
     * The same values as DL4J's layer up to rounding (its softmax is ND4J's op).
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (training || !javaPath(false)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray x = checkedInput();
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        final int n = (int) x.size(0), c = (int) w.size(1);
        INDArray p = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {n, c}, 'c');
        product(x, false, w, false, p);
        FloatPointer pp = FastLstmLayer.pointer(p);
        float[] ps = new float[n * c];
        pp.get(ps);
        float[] b = bias();
        float[] row = new float[c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(ps, i * c, row, 0, c);
            float inv = (float) (1 / SoftmaxOutputLayer.expShifted(row, b));
            for (int j = 0; j < c; j++) {
                ps[i * c + j] = row[j] * inv;
            }
        }
        pp.put(ps);
        return p;
    }

    /** The input as a float matrix, checked as DL4J checks it. */
    private INDArray checkedInput() {
        INDArray x = FastLstmLayer.floats(input);
        long nIn = getParam(DefaultParamInitializer.WEIGHT_KEY).size(0);
        if (x.columns() != nIn) {
            throw new DL4JInvalidInputException("Input size (" + x.columns() + " columns; shape = "
                    + java.util.Arrays.toString(x.shape()) + ") is invalid: does not match layer input size (layer # inputs = "
                    + nIn + ") " + layerId());
        }
        return x;
    }

    private float[] bias() {
        return hasBias() ? rowMajor(getParam(DefaultParamInitializer.BIAS_KEY)) : null;
    }

    /** {@code c = op(a)·op(b)}: on the calling thread when small, else on the layer's workers; ND4J's where BLAS cannot read a layout. */
    private static void product(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        long work = a.length() * (transB ? b.size(0) : b.size(1));
        int workers = work < ONE_THREAD_BELOW ? 1 : FastLstmLayer.configuredWorkers();
        if (!Gemm.product(a, transA, b, transB, c, workers)) {
            Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
        }
    }

    /** A float array of rank 1 or 2 (any strides) as a row-major {@code float[]}. */
    static float[] rowMajor(INDArray a) {
        INDArray f = FastLstmLayer.floats(a);
        long rows = f.rank() == 1 ? 1 : f.size(0), cols = f.rank() == 1 ? f.size(0) : f.size(1);
        long s0 = f.rank() == 1 ? 0 : f.stride(0), s1 = f.stride(f.rank() - 1);
        FloatBuffer buf = FastLstmLayer.spanBuffer(f);
        float[] out = new float[(int) (rows * cols)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[(int) (i * cols + j)] = buf.get((int) (i * s0 + j * s1));
            }
        }
        return out;
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
