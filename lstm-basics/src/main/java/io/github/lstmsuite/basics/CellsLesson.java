package io.github.lstmsuite.basics;

import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.Float64;
import io.github.lstmsuite.layers.LstmImpl;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lesson 6, “Recurrent neural networks, chapter 5”, “nn.LSTM() parameters explained”, “LSTM principles, a digest”: the recurrent cells side by side. DL4J 1.0.0-M2.1 has the LSTM and the
 * Elman RNN ({@code SimpleRnn}) but no GRU and no forget-gate-only LSTM; {@code lstm-layers} adds both
 * ({@code Gru}, {@code Janet}) as real layers, and every app takes {@code --cell lstm|gru|janet|rnn}.
 * The lesson prints each cell's equations and parameter count, and runs DL4J's own gradient check
 * (float64, finite differences against the backward pass) on each, with a padded, masked batch.
 * The Jordan network (“Recurrent neural networks, chapter 5”: the previous <em>output</em>, not the hidden state, is fed back) is left
 * out: in DL4J it is an output layer fed back by hand at every step, which the one-to-many lesson shows.
 */
public final class CellsLesson {
    private CellsLesson() {
    }

    /** Per cell: parameters of a layer 28 → 64, and whether DL4J's gradient check passed. */
    public record Result(Map<CellType, Long> params, Map<CellType, Boolean> gradientCheck) {
    }

    static final Map<CellType, String> EQUATIONS = Map.of(
            CellType.lstm, "i,f,o = σ(x·W + h·RW + b)  g = tanh(…)  c' = f⊙c + i⊙g  h' = o⊙tanh(c')",
            CellType.gru, "r,z = σ(x·W + h·RW + b)  n = tanh(x·W_n + b_n + r⊙(h·RW_n + rb))  h' = (1−z)⊙n + z⊙h",
            CellType.janet, "s = x·W_f + h·RW_f + b_f  g = tanh(…)  c' = σ(s)⊙c + (1−σ(s−1))⊙g  h' = c'",
            CellType.rnn, "h' = tanh(x·W + h·RW + b)");

    public static Result run(PrintStream out) {
        Map<CellType, Long> params = new LinkedHashMap<>();
        Map<CellType, Boolean> checks = new LinkedHashMap<>();
        out.printf("%-6s %-90s %s%n", "cell", "one step (DL4J layout: x·W with W [nIn, k·H])", "params 28 → 64");
        for (CellType c : CellType.values()) {
            params.put(c, c.params(28, 64));
            out.printf("%-6s %-90s %,d%n", c, EQUATIONS.get(c), c.params(28, 64));
        }
        out.println("\nDL4J's gradient check (float64; two stacked layers, a batch of 2 with the second sequence masked after 3 of 5 steps):");
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 5).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 3, 5);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 5; t++) {
                labels.putScalar(b, (b + t) % 3, t, 1.0);
            }
        }
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
        for (CellType c : CellType.values()) {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE)
                    .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                    .layer(c.build(3, 4, 0, LstmImpl.dl4j))
                    .layer(c.build(4, 4, 0, LstmImpl.dl4j))
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                            .nIn(4).nOut(3).dataFormat(RNNFormat.NCW).build())
                    .setInputType(InputType.recurrent(3, 5, RNNFormat.NCW)).build());
            net.init();
            boolean ok = Float64.run(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(labels).inputMask(mask).labelMask(mask).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)));
            checks.put(c, ok);
            out.printf("  %-6s %s (%d parameters checked)%n", c, ok ? "passed" : "FAILED", net.numParams());
        }
        out.println("\nUse them anywhere an LSTM goes: ./lstm mnist --cell gru, ./lstm chars --cell janet, ./lstm forecast --cell rnn");
        return new Result(params, checks);
    }
}
