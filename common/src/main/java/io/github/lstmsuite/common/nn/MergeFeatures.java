package io.github.lstmsuite.common.nn;

/**
 * The name {@link io.github.lstmsuite.layers.MergeFeatures} had in version 0.1.0, kept so that model zips saved then still load
 * (their configurations name this class). New code uses {@link io.github.lstmsuite.layers.MergeFeatures}.
 *
 * @deprecated moved to the lstm-layers module: {@link io.github.lstmsuite.layers.MergeFeatures}
 */
@Deprecated
public class MergeFeatures extends io.github.lstmsuite.layers.MergeFeatures {
}
