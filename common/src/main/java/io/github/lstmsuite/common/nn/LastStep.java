package io.github.lstmsuite.common.nn;

import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The name {@link io.github.lstmsuite.layers.LastStep} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.LastStep}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.LastStep}
 */
@Deprecated
public class LastStep extends io.github.lstmsuite.layers.LastStep {
    /** For JSON. */
    public LastStep(@JsonProperty("maskInput") String maskInput) {
        super(maskInput);
    }
}
