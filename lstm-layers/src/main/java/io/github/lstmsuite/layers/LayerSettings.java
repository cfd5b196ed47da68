package io.github.lstmsuite.layers;

import java.util.ArrayList;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the suite's layer configurations ({@link FastLstm}, {@link SoftmaxOutput}, {@link GatedCell}) share:
 * copying DL4J's settings onto a subclass, and wiring a new layer to its parameters as DL4J's own do.
 */
final class LayerSettings {
    private LayerSettings() {
    }

    /** Everything a {@code FeedForwardLayer} (and so every recurrent and output layer) configures. */
    static <T extends FeedForwardLayer> T copy(FeedForwardLayer from, T to) {
        to.setLayerName(from.getLayerName());
        to.setIDropout(from.getIDropout());
        to.setConstraints(from.getConstraints() == null ? null : new ArrayList<>(from.getConstraints()));
        to.setActivationFn(from.getActivationFn());
        to.setWeightInitFn(from.getWeightInitFn());
        to.setBiasInit(from.getBiasInit());
        to.setGainInit(from.getGainInit());
        to.setRegularization(from.getRegularization());
        to.setRegularizationBias(from.getRegularizationBias());
        to.setIUpdater(from.getIUpdater());
        to.setBiasUpdater(from.getBiasUpdater());
        to.setWeightNoise(from.getWeightNoise());
        to.setGradientNormalization(from.getGradientNormalization());
        to.setGradientNormalizationThreshold(from.getGradientNormalizationThreshold());
        to.setNIn(from.getNIn());
        to.setNOut(from.getNOut());
        to.setTimeDistributedFormat(from.getTimeDistributedFormat());
        return to;
    }

    /** As DL4J's configurations do in {@code instantiate}: listeners, index, parameter view and table, configuration. */
    static <L extends Layer> L wire(L layer, FeedForwardLayer confLayer, NeuralNetConfiguration conf,
                                    Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
                                    boolean initializeParams) {
        LayerValidation.assertNInNOutSet(confLayer.getClass().getSimpleName(), confLayer.getLayerName(), layerIndex,
                confLayer.getNIn(), confLayer.getNOut());
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(confLayer.initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
