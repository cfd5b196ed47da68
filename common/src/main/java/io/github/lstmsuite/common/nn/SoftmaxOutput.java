package io.github.lstmsuite.common.nn;

/**
 * The name {@link io.github.lstmsuite.layers.SoftmaxOutput} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.SoftmaxOutput}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.SoftmaxOutput}
 */
@Deprecated
public class SoftmaxOutput extends io.github.lstmsuite.layers.SoftmaxOutput {
}
