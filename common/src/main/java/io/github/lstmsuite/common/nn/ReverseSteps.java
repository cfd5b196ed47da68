package io.github.lstmsuite.common.nn;

import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The name {@link io.github.lstmsuite.layers.ReverseSteps} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.ReverseSteps}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.ReverseSteps}
 */
@Deprecated
public class ReverseSteps extends io.github.lstmsuite.layers.ReverseSteps {
    /** For JSON. */
    public ReverseSteps(@JsonProperty("maskInput") String maskInput) {
        super(maskInput);
    }
}
