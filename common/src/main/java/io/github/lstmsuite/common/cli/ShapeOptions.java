package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import picocli.CommandLine.Option;

/**
 * The model-shape options of every app's {@code train} command, as a picocli mixin
 * ({@code @Mixin ShapeOptions shape}): {@code --hidden}, {@code --layers}, {@code --dropout} and
 * {@code --patience}.
 *
 * <p>A value is {@code null} when not given, so that the app can fill it from its preset; read it with
 * {@link #hidden(int)} and friends, which return what the user typed or else the app's own default,
 * checked. Each app shows its own defaults in {@code --help}: its {@code train} command names a
 * {@link HelpDefaults} subclass as its picocli {@code resourceBundle}.
 */
public class ShapeOptions {
    @Option(names = "--hidden", paramLabel = "H",
            description = "Units per recurrent layer (default: ${bundle:default.hidden:-set by the app}).")
    public Integer hidden;

    @Option(names = "--layers", paramLabel = "L",
            description = "Stacked recurrent layers (default: ${bundle:default.layers:-set by the app}).")
    public Integer layers;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Drop probability ${bundle:default.dropout.where:-between stacked layers} (default: ${bundle:default.dropout:-set by the app}).")
    public Double dropout;

    @Option(names = "--patience", paramLabel = "E",
            description = "Early stopping: stop after E epochs without a better ${bundle:default.metric:-validation score} (0 = off; default: ${bundle:default.patience:-set by the app}).")
    public Integer patience;

    /** {@code --hidden}, or {@code fallback}; at least 1. */
    public int hidden(int fallback) {
        return Given.atLeast("--hidden", hidden, fallback, 1);
    }

    /** {@code --layers}, or {@code fallback}; at least 1. */
    public int layers(int fallback) {
        return Given.atLeast("--layers", layers, fallback, 1);
    }

    /** {@code --dropout}, or {@code fallback}; in [0, 1). */
    public double dropout(double fallback) {
        double d = dropout != null ? dropout : fallback;
        if (!(d >= 0 && d < 1)) {
            throw new UserException("--dropout must be in [0, 1), got " + d);
        }
        return d;
    }

    /** {@code --patience}, or {@code fallback}; 0 or more (0 = no early stopping). */
    public int patience(int fallback) {
        return Given.atLeast("--patience", patience, fallback, 0);
    }
}
