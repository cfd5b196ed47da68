package com.example.lstm;

import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastLastTimeStep;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.common.series.Forecaster;
import io.github.lstmsuite.common.series.TimeSeries;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network: LSTMs read the window, the last step's state goes to a linear layer with one output per
 * future step — a direct multi-step forecaster (all {@code h} steps at once, no feedback of its own
 * forecasts).
 *
 * <pre>
 *   input      [batch, 1, window]     DL4J's NCW layout: [batch, features, time]
 *   LSTM ×L    [batch, hidden, window]
 *   last step  [batch, hidden]
 *   linear     [batch, h]             the next h values as log-changes from the last known one
 * </pre>
 */
public final class Model {
    private Model() {
    }

    /** The hyper-parameters, in one place. */
    public record Config(int window, int horizon, int hidden, int layers, double learningRate, long seed) {
    }

    public static MultiLayerNetwork build(Config c) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new FastAdam(c.learningRate()))
                .list();
        for (int l = 0; l < c.layers(); l++) {
            LSTM lstm = new FastLstm.Builder().inputGradient(l > 0)    // layer 0 reads the data: no dLoss/dInput
                    .nIn(l == 0 ? 1 : c.hidden()).nOut(c.hidden()).activation(Activation.TANH).build();
            b.layer(l == c.layers() - 1 ? new FastLastTimeStep(lstm) : lstm);           // the top one: last step only
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nIn(c.hidden()).nOut(c.horizon()).build());                            // [batch, h]
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /** The network as a {@link Forecaster}, so that it is scored by the same code as the baselines. */
    public static Forecaster forecaster(MultiLayerNetwork net, Config c) {
        return new Forecaster() {
            @Override
            public String name() {
                return "lstm";
            }

            @Override
            public double[][] forecast(TimeSeries series, int[] origins, int h) {
                double[] y = series.target();
                INDArray out = net.output(Data.features(y, origins, c.window()), false);   // [origins, h]
                double[][] f = new double[origins.length][h];
                for (int i = 0; i < origins.length; i++) {
                    for (int k = 0; k < h; k++) {
                        f[i][k] = y[origins[i]] * Math.exp(out.getDouble(i, k));      // back from log-changes
                    }
                }
                return f;
            }
        };
    }
}
