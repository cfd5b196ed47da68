package io.github.lstmsuite.common.nn;

/**
 * The name {@link io.github.lstmsuite.layers.DenseSoftmaxOutput} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.DenseSoftmaxOutput}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.DenseSoftmaxOutput}
 */
@Deprecated
public class DenseSoftmaxOutput extends io.github.lstmsuite.layers.DenseSoftmaxOutput {
}
