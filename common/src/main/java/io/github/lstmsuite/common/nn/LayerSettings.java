package io.github.lstmsuite.common.nn;

import java.util.ArrayList;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/** Copies a DL4J layer configuration's common settings onto the suite's subclass of it ({@link FastLstm}, {@link SoftmaxOutput}). */
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
}
