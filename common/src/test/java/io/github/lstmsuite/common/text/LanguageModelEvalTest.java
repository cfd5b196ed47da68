package io.github.lstmsuite.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmsuite.layers.LstmImpl;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class LanguageModelEvalTest {

    @Test
    void lossPerCharacterEqualsAHandComputation() {
        int v = 3;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).list()
                .layer(LstmImpl.fast.build(new LSTM.Builder().nIn(v).nOut(4).activation(Activation.TANH)))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(4).nOut(v).dataFormat(RNNFormat.NCW).build())
                .backpropType(BackpropType.Standard).build());
        net.init();
        int[] tokens = {0, 1, 2, 1, 0, 0, 2};
        // by hand: one pass over the whole text, sum of −ln p(next) over the 6 predictions
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, v, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 1, v, 6);
        for (int t = 0; t < 6; t++) {
            x.putScalar(new long[]{0, tokens[t], t}, 1);
            y.putScalar(new long[]{0, tokens[t + 1], t}, 1);
        }
        INDArray p = net.output(x);
        double sum = 0;
        for (int t = 0; t < 6; t++) {
            sum -= Math.log(p.getDouble(0, tokens[t + 1], t));
        }
        // in chunks of 4 and 2 steps with the state carried: the same number
        LanguageModelEval.Loss l = LanguageModelEval.loss(net, tokens, v, 1, 4, true);
        assertEquals(6, l.tokens());
        assertEquals(sum / 6, l.natsPerToken(), 1e-5);
        assertEquals(sum / 6 / Math.log(2), l.bitsPerToken(), 1e-5);
        assertEquals(Math.exp(sum / 6), l.perplexity(), 1e-4);
        // DL4J's score sums over the time steps (and averages over the batch): divide by T for per-character loss
        assertEquals(sum, net.score(new DataSet(x, y)), 1e-4);
    }
}
