/**
 * The names the fast layers' configuration classes had in version 0.1.0, when they lived in {@code common}: one
 * deprecated subclass per class a saved configuration names, so that model zips written then still load. The layers
 * themselves are in the lstm-layers module, package {@code io.github.lstmsuite.layers}.
 */
package io.github.lstmsuite.common.nn;
