package com.example.lstm;

import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastLstm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network: stacked LSTMs read a series one value per step; a softmax layer at every step, scored only
 * at the last one (the label mask): many-to-one.
 *
 * <pre>
 *   input    [batch, 1, 60]        DL4J's NCW layout: [batch, features, time]; PyTorch: (batch, time, features)
 *   LSTM ×L  [batch, hidden, 60]
 *   softmax  [batch, classes, 60]  only step 60 counts
 * </pre>
 */
public final class Model {
    private Model() {
    }

    /** The hyper-parameters, in one place. */
    public record Config(int hidden, int layers, double learningRate, long seed) {
    }

    public static MultiLayerNetwork build(Config c, int features, int classes) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)                 // FastLstm computes in float32
                .weightInit(WeightInit.XAVIER)
                .updater(new FastAdam(c.learningRate()))
                .list();
        for (int l = 0; l < c.layers(); l++) {
            b.layer(new FastLstm.Builder().inputGradient(l > 0)    // layer 0 reads the data: no dLoss/dInput
                    .nIn(l == 0 ? features : c.hidden()).nOut(c.hidden())
                    .activation(Activation.TANH).build());                               // [batch, hidden, time]
        }
        b.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .dataFormat(RNNFormat.NCW).nIn(c.hidden()).nOut(classes).build());      // [batch, classes, time]
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }
}
