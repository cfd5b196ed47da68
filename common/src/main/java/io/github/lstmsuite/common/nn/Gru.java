package io.github.lstmsuite.common.nn;

/**
 * The name {@link io.github.lstmsuite.layers.Gru} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.Gru}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.Gru}
 */
@Deprecated
public class Gru extends io.github.lstmsuite.layers.Gru {
}
