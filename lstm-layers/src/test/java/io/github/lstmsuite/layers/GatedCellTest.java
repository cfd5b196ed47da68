package io.github.lstmsuite.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GRU and JANET layers: DL4J's gradient checks (float64), masks, state, serialisation, the equations. */
class GatedCellTest {
    static final int N_IN = 3, H = 4, T = 5, BATCH = 2;

    private static MultiLayerNetwork net(CellType cell, boolean stacked) {
        var list = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER).list()
                .layer(cell.build(N_IN, H, 0, LstmImpl.dl4j));
        if (stacked) {
            list.layer(cell.build(H, H, 0, LstmImpl.dl4j));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(H).nOut(3).dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(N_IN, T, RNNFormat.NCW)).build());
        net.init();
        return net;
    }

    private static INDArray labels() {
        INDArray l = Nd4j.zeros(DataType.DOUBLE, BATCH, 3, T);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < T; t++) {
                l.putScalar(b, (b + t) % 3, t, 1.0);
            }
        }
        return l;
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"gru", "janet"})
    void passesDl4jGradientChecksWithAndWithoutMask(CellType cell) {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, T).subi(0.5);
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
        for (boolean masked : new boolean[] {false, true}) {
            boolean ok = Float64.run(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net(cell, true))
                    .input(x).labels(labels()).inputMask(masked ? mask : null).labelMask(masked ? mask : null)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)));
            assertTrue(ok, cell + " gradient check, mask " + masked);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"gru", "janet"})
    void stateCarriesAcrossRnnTimeStepAndPaddingChangesNothing(CellType cell) throws Exception {
        MultiLayerNetwork net = net(cell, false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, N_IN, T);
        INDArray whole = net.output(x);
        net.rnnClearPreviousState();
        INDArray a = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2)).dup());
        INDArray b = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, T)).dup());
        assertTrue(Nd4j.concat(2, a, b).equalsWithEps(whole, 1e-12));
        // a 3-step sequence padded to 5 in a batch: its real steps are unchanged
        INDArray padded = Nd4j.valueArrayOf(new long[] {2, N_IN, T}, 7.0, DataType.DOUBLE);
        padded.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(0, 3))
                .assign(x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)));
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
        INDArray y = net.output(padded, false, mask, mask);
        assertTrue(y.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(0, 3))
                .equalsWithEps(whole.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)), 1e-12));
        // a model zip round trip keeps the cell and its parameters
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), false);
        assertEquals(net.getLayer(0).conf().getLayer().getClass(), back.getLayer(0).conf().getLayer().getClass());
        assertTrue(back.output(x).equalsWithEps(whole, 1e-12));
        // parameters copied layer by layer (how the translator builds its decoder graph)
        MultiLayerNetwork other = net(cell, false);
        for (int i = 0; i < 2; i++) {
            other.getLayer(i).setParams(net.getLayer(i).params().dup());
        }
        assertTrue(other.output(x).equalsWithEps(whole, 1e-12));
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"gru", "janet"})
    void oneStepMatchesTheEquationsInPlainJava(CellType cell) {
        MultiLayerNetwork net = net(cell, false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, N_IN, 1);
        // one step from the zero state (the state path is covered by the rnnTimeStep test)
        INDArray got = net.getLayer(0).activate(x, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        // recompute by hand from the parameters
        double[][] w = net.getLayer(0).getParam("W").toDoubleMatrix();
        double[][] rw = net.getLayer(0).getParam("RW").toDoubleMatrix();
        double[] bias = net.getLayer(0).getParam("b").toDoubleVector();
        double[] xs = x.reshape(N_IN).toDoubleVector();
        double[] pre = new double[cell.blocks * H];
        for (int j = 0; j < pre.length; j++) {
            pre[j] = bias[j];
            for (int i = 0; i < N_IN; i++) {
                pre[j] += xs[i] * w[i][j];
            }
        }
        for (int u = 0; u < H; u++) {
            double expected;
            if (cell == CellType.gru) {
                double rb = net.getLayer(0).getParam("rb").getDouble(u);
                double r = sig(pre[u]);
                double z = sig(pre[H + u]);
                double n = Math.tanh(pre[2 * H + u] + r * rb);
                expected = (1 - z) * n;
            } else {
                double fin = sig(pre[u] - Janet.BETA);
                double g = Math.tanh(pre[H + u]);
                expected = (1 - fin) * g;                // f ⊙ c with c = 0
            }
            assertEquals(expected, got.getDouble(0, u, 0), 1e-12, cell + " unit " + u);
        }
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @org.junit.jupiter.api.Test
    void budgetsMatch() {
        // the compare lesson's budgets: MNIST rows (nIn 28), LSTM h 64 = 23,808 parameters
        assertEquals(23_808, CellType.lstm.params(28, 64));
        assertEquals(3 * 4 * (3 + 4 + 1) + 4, net(CellType.gru, false).getLayer(0).numParams());
        assertEquals(2 * 4 * (3 + 4 + 1), net(CellType.janet, false).getLayer(0).numParams());
        int h = CellType.janet.hiddenForBudget(28, 23_808);
        assertTrue(Math.abs(CellType.janet.params(28, h) - 23_808) < 2 * (28 + 2 * h + 1) * 2);
    }
}
