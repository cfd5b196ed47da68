package io.github.lstmsuite.common.nn;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The name {@link io.github.lstmsuite.layers.FastDropout} had in version 0.1.0, kept so that model zips saved then still
 * load (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.FastDropout}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.FastDropout}
 */
@Deprecated
public class FastDropout extends io.github.lstmsuite.layers.FastDropout {
    /** For JSON. */
    protected FastDropout(@JsonProperty("p") double activationRetainProbability,
                          @JsonProperty("pSchedule") ISchedule activationRetainProbabilitySchedule) {
        super(activationRetainProbability, activationRetainProbabilitySchedule);
    }
}
