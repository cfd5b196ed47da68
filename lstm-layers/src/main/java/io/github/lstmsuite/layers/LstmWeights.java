package io.github.lstmsuite.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Moving LSTM weights between PyTorch, TensorFlow and DL4J. The maths is the same everywhere
 * (i, f, o = σ(·), g = tanh(·), c' = f⊙c + i⊙g, h' = o⊙tanh(c')); what differs is the layout:
 *
 * <table>
 *   <caption>one LSTM layer with input size I and hidden size H</caption>
 *   <tr><th></th><th>input weights</th><th>recurrent weights</th><th>bias</th><th>gate order</th></tr>
 *   <tr><td>PyTorch {@code nn.LSTM}</td><td>{@code weight_ih_l0 [4H, I]}</td><td>{@code weight_hh_l0 [4H, H]}</td>
 *       <td>{@code bias_ih + bias_hh}, two {@code [4H]}</td><td>i, f, g, o</td></tr>
 *   <tr><td>TensorFlow {@code BasicLSTMCell}</td><td colspan="2">one {@code kernel [I+H, 4H]} (input rows first)</td>
 *       <td>{@code bias [4H]}, plus {@code forget_bias} (default 1) added to f when run</td><td>i, j(=g), f, o</td></tr>
 *   <tr><td>DL4J {@code LSTM}</td><td>{@code W [I, 4H]}</td><td>{@code RW [H, 4H]}</td><td>{@code b [4H]}</td>
 *       <td>g, f, o, i</td></tr>
 * </table>
 *
 * DL4J's weights are the transposes of PyTorch's (it multiplies {@code x·W}, PyTorch {@code W·x}); its
 * one bias is PyTorch's two added; TensorFlow's {@code forget_bias} is not a stored weight, so it is
 * folded into DL4J's f bias (DL4J's own {@code forgetGateBiasInit}, default 1.0, is the same idea at
 * initialisation). Going back to PyTorch, the bias cannot be split again: all of it goes to
 * {@code bias_ih} and {@code bias_hh} is zero (the sum, the only thing the maths uses, is exact).
 */
public final class LstmWeights {
    private LstmWeights() {
    }

    /** DL4J's gate blocks (g, f, o, i) as PyTorch block indices (PyTorch: i=0, f=1, g=2, o=3). */
    private static final int[] DL4J_FROM_TORCH = {2, 1, 3, 0};
    /** DL4J's gate blocks as TensorFlow block indices (TensorFlow: i=0, j=1, f=2, o=3). */
    private static final int[] DL4J_FROM_TF = {1, 2, 3, 0};

    /** DL4J's parameters of one LSTM layer: {@code W [I, 4H]}, {@code RW [H, 4H]}, {@code b [4H]}. */
    public record Dl4j(INDArray w, INDArray rw, INDArray b) {
        public int hidden() {
            return (int) rw.size(0);
        }
    }

    /** PyTorch's parameters of one layer: {@code weight_ih [4H, I]}, {@code weight_hh [4H, H]}, {@code bias_ih}, {@code bias_hh [4H]}. */
    public record Torch(INDArray weightIh, INDArray weightHh, INDArray biasIh, INDArray biasHh) {
        public int hidden() {
            return (int) weightHh.size(1);
        }
    }

    /** PyTorch → DL4J. */
    public static Dl4j fromTorch(Torch t) {
        int h = t.hidden();
        check(t.weightIh().size(0) == 4L * h && t.weightHh().size(0) == 4L * h && t.biasIh().length() == 4L * h
                && t.biasHh().length() == 4L * h, "PyTorch shapes: weight_ih [4H, I], weight_hh [4H, H], biases [4H]");
        INDArray w = reorderColumns(t.weightIh().transpose(), h, DL4J_FROM_TORCH);
        INDArray rw = reorderColumns(t.weightHh().transpose(), h, DL4J_FROM_TORCH);
        INDArray b = reorderColumns(t.biasIh().add(t.biasHh()).reshape(1, 4L * h), h, DL4J_FROM_TORCH).reshape(4L * h);
        return new Dl4j(w, rw, b);
    }

    /** DL4J → PyTorch (the whole bias in {@code bias_ih}, {@code bias_hh} = 0). */
    public static Torch toTorch(Dl4j d) {
        int h = d.hidden();
        int[] inverse = inverse(DL4J_FROM_TORCH);
        INDArray wIh = reorderColumns(d.w(), h, inverse).transpose().dup();
        INDArray wHh = reorderColumns(d.rw(), h, inverse).transpose().dup();
        INDArray b = reorderColumns(d.b().reshape(1, 4L * h), h, inverse).reshape(4L * h);
        return new Torch(wIh, wHh, b, Nd4j.zeros(b.dataType(), 4L * h));
    }

    /**
     * TensorFlow ({@code BasicLSTMCell}/{@code LSTMCell}: {@code kernel [I+H, 4H]}, {@code bias [4H]}, gates i, j, f, o)
     * → DL4J, with {@code forgetBias} (TensorFlow's default 1.0) added to the f bias.
     */
    public static Dl4j fromTensorFlow(INDArray kernel, INDArray bias, double forgetBias) {
        int h = (int) (kernel.size(1) / 4);
        int in = (int) kernel.size(0) - h;
        check(kernel.size(1) == 4L * h && in > 0 && bias.length() == 4L * h, "TensorFlow shapes: kernel [I+H, 4H], bias [4H]");
        INDArray w = reorderColumns(kernel.get(NDArrayIndex.interval(0, in), NDArrayIndex.all()), h, DL4J_FROM_TF);
        INDArray rw = reorderColumns(kernel.get(NDArrayIndex.interval(in, in + h), NDArrayIndex.all()), h, DL4J_FROM_TF);
        INDArray b = reorderColumns(bias.reshape(1, 4L * h), h, DL4J_FROM_TF).reshape(4L * h);
        b.get(NDArrayIndex.interval(h, 2L * h)).addi(forgetBias);      // DL4J's f block
        return new Dl4j(w, rw, b);
    }

    /** Copies {@code p} into LSTM layer {@code index} of {@code net} (a plain {@code LSTM} or {@code FastLstm} layer). */
    public static void set(MultiLayerNetwork net, int index, Dl4j p) {
        Layer layer = net.getLayer(index);
        copy(layer, "W", p.w());
        copy(layer, "RW", p.rw());
        copy(layer, "b", p.b());
    }

    /** The parameters of LSTM layer {@code index} of {@code net} (copies). */
    public static Dl4j get(MultiLayerNetwork net, int index) {
        Layer layer = net.getLayer(index);
        return new Dl4j(layer.getParam("W").dup(), layer.getParam("RW").dup(), layer.getParam("b").dup());
    }

    private static void copy(Layer layer, String key, INDArray value) {
        INDArray target = layer.getParam(key);
        check(java.util.Arrays.equals(target.shape(), value.shape()) || (key.equals("b") && target.length() == value.length()),
                "parameter " + key + ": the layer has shape " + java.util.Arrays.toString(target.shape()) + ", the weights "
                + java.util.Arrays.toString(value.shape()));
        target.assign(value.castTo(target.dataType()).reshape(target.shape()));
    }

    /** Column block k of the result = column block {@code from[k]} of {@code m} (blocks of width h). */
    private static INDArray reorderColumns(INDArray m, int h, int[] from) {
        INDArray out = Nd4j.create(m.dataType(), m.size(0), 4L * h);
        for (int k = 0; k < 4; k++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval((long) k * h, (long) (k + 1) * h))
                    .assign(m.get(NDArrayIndex.all(), NDArrayIndex.interval((long) from[k] * h, (long) (from[k] + 1) * h)));
        }
        return out;
    }

    private static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int k = 0; k < p.length; k++) {
            inv[p[k]] = k;
        }
        return inv;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
