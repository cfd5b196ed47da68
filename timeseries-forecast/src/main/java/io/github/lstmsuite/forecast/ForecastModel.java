package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.common.series.TimeSeries;
import io.github.lstmsuite.common.train.ModelZip;
import java.nio.file.Path;
import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.layers.LstmImpl;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network: a many-to-many LSTM with a linear output at every time step.
 *
 * <pre>
 *   input        [B, C, T]   C channels per step (change, level, features: see SeriesEncoding), T steps
 *   LSTM 1..L    [B, H, T]
 *   output       [B, K, T]   linear; K = horizon (direct) or 1 (recursive): the next K targets after each step
 * </pre>
 * Trained on every step of a window at once (mean squared error); used at the last step of a window
 * ending at the forecast origin. PyTorch would be {@code nn.LSTM(C, H, L, batch_first=True)} then
 * {@code nn.Linear(H, K)} on {@code (B, T, ·)}; DL4J keeps time last.
 */
public final class ForecastModel {
    private ForecastModel() {
    }

    /**
     * @param channels     C, inputs per time step
     * @param outputs      K, outputs per time step
     * @param hidden       LSTM units per layer
     * @param layers       stacked LSTM layers
     * @param dropout      probability of dropping an activation between layers (PyTorch's meaning)
     * @param learningRate Adam's learning rate
     * @param seed         weight-initialisation seed
     * @param lstm         which implementation computes the LSTM layers
     * @param cell         the recurrent cell (LSTM when {@code null})
     */
    public record Config(int channels, int outputs, int hidden, int layers, double dropout, double learningRate,
                         long seed, LstmImpl lstm, CellType cell) {
    }

    /** One line, e.g. "LSTM (fast) 1×64 → 12 output(s) per step, Adam lr 0.003". */
    public static String describe(Config c) {
        return String.format("%s %d×%d → %d output(s) per step, Adam lr %s", (c.cell() == null ? CellType.lstm : c.cell()).label(c.lstm()),
                c.layers(), c.hidden(), c.outputs(), c.learningRate());
    }

    public static MultiLayerNetwork build(Config c) {
        return build(c, LossFunctions.LossFunction.MSE);
    }

    /** As {@link #build(Config)} with another loss at every step (the panel model's: mean absolute error). */
    public static MultiLayerNetwork build(Config c, LossFunctions.LossFunction loss) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new FastAdam(c.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(1.0)
                .list();
        int nIn = c.channels();
        for (int i = 0; i < c.layers(); i++) {
            CellType cell = c.cell() == null ? CellType.lstm : c.cell();
            Layer layer = cell.build(nIn, c.hidden(), i > 0 ? c.dropout() : 0, c.lstm());
            list.layer(i == 0 ? FastLstm.withoutInputGradient(layer) : layer);   // layer 0 reads the series: no dLoss/dInput
            nIn = c.hidden();
        }
        RnnOutputLayer out = new RnnOutputLayer.Builder(loss)
                .activation(Activation.IDENTITY).nIn(nIn).nOut(c.outputs()).dataFormat(RNNFormat.NCW).build();
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(out).build());
        net.init();
        return net;
    }

    /** A trained model with its saved settings. */
    public record Loaded(Path path, MultiLayerNetwork net, ForecastApp.SavedModel saved) {
        /** The network with its encoding, window and strategy: what forecasts. */
        public LstmForecaster forecaster() {
            return new LstmForecaster(net, saved.encoding(), saved.run().window(), saved.strategy());
        }
    }

    /** Loads {@code model} (the newest forecast model under runs/ when null); another app's model is refused in one line. */
    public static Loaded load(Path model) {
        ModelZip.Stored<ForecastApp.SavedModel> m = ModelZip.stored(model, ForecastApp.APP, ForecastApp.SavedModel.class);
        if (m.config().encoding() == null) {
            throw new UserException("--model " + m.path() + ": not a forecast model (no encoding inside)");
        }
        return new Loaded(m.path(), ModelZip.loadMultiLayer(m.path(), false), m.config());
    }

    /** A series must have the feature columns the model was trained with. */
    static void checkColumns(TimeSeries s, ForecastApp.SavedModel saved) {
        int expected = saved.encoding().featMean().length;
        if (s.features().length != expected) {
            throw new UserException(s.source() + ": the model takes " + expected + " feature column(s), --features gives "
                    + s.features().length);
        }
    }
}
