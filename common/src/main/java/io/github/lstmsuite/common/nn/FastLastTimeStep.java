package io.github.lstmsuite.common.nn;

import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The name {@link io.github.lstmsuite.layers.FastLastTimeStep} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.FastLastTimeStep}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.FastLastTimeStep}
 */
@Deprecated
public class FastLastTimeStep extends io.github.lstmsuite.layers.FastLastTimeStep {
    /** For JSON. */
    public FastLastTimeStep(@JsonProperty("underlying") org.deeplearning4j.nn.conf.layers.Layer underlying) {
        super(underlying);
    }
}
