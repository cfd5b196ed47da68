package io.github.lstmsuite.layers;

import java.nio.FloatBuffer;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation behind {@link FastEmbedding}, float32 with the identity activation and NCW output (the
 * suite's settings; anything else is DL4J's code):
 * <pre>
 *   indices  [B, 1, T] → row i = b·T + t holds index k = x[b, t]
 *   forward  out2d[i, :] = W[k, :] (+ bias) · m[b, t]      [B·T, E] row-major, seen as [B, E, T] — DL4J's layout
 *   backward dW[k, :] += ε[b, :, t] · m[b, t], rows in order i = 0 … B·T−1 (as ND4J's scatter-add);  db = Σᵢ
 * </pre>
 */
public class FastEmbeddingLayer extends org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer {
    public FastEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean computesItself() {
        org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer c = layerConf();
        return getParam(DefaultParamInitializer.WEIGHT_KEY).dataType() == DataType.FLOAT
                && c.getActivationFn() instanceof ActivationIdentity && c.getOutputFormat() == RNNFormat.NCW
                && c.getWeightNoise() == null
                && (maskArray == null || maskArray.rank() == 2);
    }

    /** The input's token indices in DL4J's row order (row b·T + t), with the batch size B and the steps T. */
    private record Tokens(int[] idx, int batch, int steps) {
    }

    /** The input's indices, checked as DL4J checks them. */
    private Tokens tokens() {
        INDArray in = input;
        if (in.rank() == 1) {
            in = in.reshape(in.length(), 1, 1);
        }
        if ((in.rank() == 3 && in.size(1) != 1) || (in.rank() != 2 && in.rank() != 3)) {
            throw new IllegalStateException("Invalid input: EmbeddingSequenceLayer expects either rank 2 input of shape "
                    + "[minibatch,seqLength] or rank 3 input of shape [minibatch,1,seqLength]. Got rank " + in.rank()
                    + " input of shape " + java.util.Arrays.toString(in.shape()));
        }
        long b = in.size(0);
        long t = in.rank() == 3 ? in.size(2) : in.size(1);
        if (layerConf().isInferInputLength()) {
            layerConf().setInputLength((int) t);
        }
        if (t != layerConf().getInputLength()) {
            throw new DL4JInvalidInputException("Sequence length of embedding input has to be equal to the specified "
                    + "input length: " + layerConf().getInputLength() + " i.e. we expect input shape [numExamples, inputLength]"
                    + " (or [numExamples, 1, inputLength] with each entry being an integer index, got "
                    + java.util.Arrays.toString(input.shape()) + " instead, for layer with id: " + layerId());
        }
        double[] values = in.dup('c').data().asDouble();            // [B, T] (or [B, 1, T]) in row-major order
        long nIn = layerConf().getNIn();
        int[] idx = new int[(int) (b * t)];
        for (int i = 0; i < idx.length; i++) {
            double v = values[i];
            int k = (int) v;
            if (k < 0 || k >= nIn) {
                throw new DL4JInvalidInputException("Invalid index for embedding layer: got index " + k + " for entry " + i
                        + " in minibatch; indexes must be between 0 and nIn-1 inclusive (0 to " + (nIn - 1) + ")");
            }
            idx[i] = k;
        }
        return new Tokens(idx, (int) b, (int) t);
    }

    /** The mask per row b·T + t, or {@code null}. */
    private float[] maskRows(long b, long t) {
        if (maskArray == null) {
            return null;
        }
        if (maskArray.size(0) != b || maskArray.size(1) != t) {
            throw new IllegalStateException("Mask array for EmbeddingSequenceLayer must have shape [" + b + ", " + t
                    + "], got " + java.util.Arrays.toString(maskArray.shape()));
        }
        return maskArray.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!computesItself()) {
            return super.activate(training, workspaceMgr);
        }
        Tokens tok = tokens();
        int[] idx = tok.idx();
        float[] m = maskRows(tok.batch(), tok.steps());
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);                                   // [V, E]
        int e = (int) w.size(1);
        INDArray rows = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {idx.length, e}, 'c');
        FloatBuffer ws = FastLstmLayer.spanBuffer(w);
        FloatBuffer out = FastLstmLayer.buffer(rows);
        int w0 = (int) w.stride(0), w1 = (int) w.stride(1);
        float[] bias = hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY).castTo(DataType.FLOAT).dup('c').data().asFloat() : null;
        float[] row = new float[e];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0, a = idx[i] * w0; j < e; j++, a += w1) {
                row[j] = ws.get(a);
            }
            if (bias != null) {
                for (int j = 0; j < e; j++) {
                    row[j] += bias[j];
                }
            }
            if (m != null) {
                float mi = m[i];
                for (int j = 0; j < e; j++) {
                    row[j] *= mi;
                }
            }
            out.put(i * e, row, 0, e);
        }
        return rows.reshape('c', tok.batch(), tok.steps(), e).permute(0, 2, 1);                                  // [B, E, T]
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!computesItself() || epsilon.dataType() != DataType.FLOAT) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Tokens tok = tokens();
        int[] idx = tok.idx();
        int b = tok.batch(), t = tok.steps();
        float[] m = maskRows(b, t);
        INDArray dW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);                        // [V, E]
        int e = (int) dW.size(1);
        dW.assign(0);
        FloatBuffer g = FastLstmLayer.spanBuffer(dW);
        FloatBuffer eps = FastLstmLayer.spanBuffer(epsilon);                                         // [B, E, T]
        int g0 = (int) dW.stride(0), g1 = (int) dW.stride(1);
        int e0 = (int) epsilon.stride(0), e1 = (int) epsilon.stride(1), e2 = (int) epsilon.stride(2);
        float[] biasSum = hasBias() ? new float[e] : null;
        for (int i = 0; i < idx.length; i++) {
            int bi = i / t, ti = i % t;
            float mi = m == null ? 1f : m[i];
            int from = bi * e0 + ti * e2;
            for (int j = 0, a = idx[i] * g0; j < e; j++, a += g1) {
                float d = eps.get(from + j * e1);
                if (m != null) {
                    d *= mi;
                }
                g.put(a, g.get(a) + d);
                if (biasSum != null) {
                    biasSum[j] += d;
                }
            }
        }
        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, dW);
        if (biasSum != null) {
            INDArray db = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            db.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(biasSum).reshape(db.shape()));
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, db);
        }
        return new Pair<>(ret, null);
    }
}
