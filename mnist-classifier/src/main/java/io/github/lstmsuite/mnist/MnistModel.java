package io.github.lstmsuite.mnist;

import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.DenseSoftmaxOutput;
import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastDropout;
import io.github.lstmsuite.layers.FastLastTimeStep;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.layers.LstmImpl;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The network: 28 rows → stacked LSTM → the last time step → dense softmax over 10 classes.
 *
 * <pre>
 *   input        [B, 28, 28]      batch, 28 features (pixels of a row), 28 time steps (rows)
 *   LSTM 1..L    [B, H, 28]       one hidden vector per row (2H if bidirectional)
 *   last step    [B, H]           FastLastTimeStep (DL4J's LastTimeStep) keeps h at t = 27: the whole digit has been read
 *   output       [B, 10]          softmax probabilities
 * </pre>
 *
 * The PyTorch model of “LSTM use cases and a PyTorch example” is the same: {@code nn.LSTM(28, 64, 1, batch_first=True)}, then
 * {@code self.fc(out[:, -1, :])}.
 */
public final class MnistModel {
    private MnistModel() {
    }

    /**
     * The model's hyper-parameters.
     *
     * @param hidden        LSTM units per layer (PyTorch's hidden_size)
     * @param layers        stacked LSTM layers (num_layers)
     * @param dropout       probability of <em>dropping</em> an activation between layers (PyTorch's meaning;
     *                      DL4J's {@code dropOut(p)} takes the probability of <em>keeping</em> it)
     * @param bidirectional read the rows top-down and bottom-up, concatenating the two
     * @param learningRate  Adam's learning rate
     * @param lrDecay       learning rate multiplied by this after every epoch (1 = constant)
     * @param seed          weight-initialisation seed
     * @param lstm          which implementation computes the LSTM layers (same maths, same parameters)
     * @param cell          the recurrent cell ({@code null} in models saved before cells existed: the LSTM)
     */
    public record Config(int hidden, int layers, double dropout, boolean bidirectional, double learningRate,
                         double lrDecay, long seed, LstmImpl lstm, CellType cell) {
        /** The cell, LSTM when unset. */
        public CellType cellType() {
            return cell == null ? CellType.lstm : cell;
        }
    }

    /** Builds and initialises the network. */
    public static MultiLayerNetwork build(Config c) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(c.lrDecay() == 1.0 ? new FastAdam(c.learningRate())
                        : new FastAdam(new ExponentialSchedule(ScheduleType.EPOCH, c.learningRate(), c.lrDecay())))
                // Clip each layer's gradient to L2 norm 5: a guard against the occasional exploding
                // step of a recurrent net at lr 0.01; it rarely triggers.
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(5.0)
                .list();
        int nIn = MnistData.COLS;
        for (int i = 0; i < c.layers(); i++) {
            // dropout between layers: on the input of every layer after the first
            Layer layer = c.cellType().build(nIn, c.hidden(), i > 0 ? c.dropout() : 0, c.lstm());
            if (c.bidirectional()) {
                layer = new Bidirectional(Bidirectional.Mode.CONCAT, layer);
            } else if (i == 0) {
                layer = FastLstm.withoutInputGradient(layer);   // it reads the pixels: no dLoss/dInput (lstm-layers)
            }
            if (i == c.layers() - 1) {
                layer = new FastLastTimeStep(layer);    // [B, H, 28] -> [B, H]: DL4J's LastTimeStep (lstm-layers)
            }
            list.layer(layer);
            nIn = c.bidirectional() ? 2 * c.hidden() : c.hidden();
        }
        // softmax + cross-entropy over the 10 digits: DL4J's OutputLayer, computed in one pass (lstm-layers)
        OutputLayer.Builder out = new DenseSoftmaxOutput.Builder().nIn(nIn).nOut(MnistData.CLASSES);
        if (c.dropout() > 0) {
            out.dropOut(new FastDropout(1.0 - c.dropout()));     // DL4J: retain probability (lstm-layers)
        }
        MultiLayerConfiguration conf = list.layer(out.build())
                .setInputType(InputType.recurrent(MnistData.COLS, MnistData.ROWS, RNNFormat.NCW))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
