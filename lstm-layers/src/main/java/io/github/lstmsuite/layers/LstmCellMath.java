package io.github.lstmsuite.layers;

/**
 * One LSTM step in plain Java doubles, written the way the articles this suite follows and PyTorch's documentation
 * write it (gate order i, f, g, o; {@code W_ih [4H, I]}, {@code W_hh [4H, H]}, two biases):
 *
 * <pre>
 *   gates = W_ih·x + b_ih + W_hh·h + b_hh           [4H]
 *   i = σ(gates[0:H])      input gate
 *   f = σ(gates[H:2H])     forget gate
 *   g = tanh(gates[2H:3H]) cell candidate
 *   o = σ(gates[3H:4H])    output gate
 *   c' = f⊙c + i⊙g
 *   h' = o⊙tanh(c')
 * </pre>
 * No library, no vectorisation: the reference that ND4J and DL4J are checked against.
 */
public final class LstmCellMath {
    private LstmCellMath() {
    }

    /** The step's intermediate values: pre-activations and activations of every gate, and the new state. */
    public record Step(double[] preactivations, double[] i, double[] f, double[] g, double[] o, double[] c, double[] h) {
    }

    /** One step from input {@code x [I]} and state {@code h, c [H]}. */
    public static Step step(double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[] x, double[] h, double[] c) {
        int hidden = h.length;
        if (wIh.length != 4 * hidden || wHh.length != 4 * hidden || bIh.length != 4 * hidden || bHh.length != 4 * hidden) {
            throw new IllegalArgumentException("hidden size " + hidden + " needs W_ih with 4·" + hidden + " = " + 4 * hidden
                    + " rows, W_hh " + 4 * hidden + " rows and biases of " + 4 * hidden + "; got " + wIh.length + ", "
                    + wHh.length + ", " + bIh.length + ", " + bHh.length);
        }
        double[] gates = new double[4 * hidden];
        for (int r = 0; r < 4 * hidden; r++) {
            if (wIh[r].length != x.length || wHh[r].length != hidden) {
                throw new IllegalArgumentException("W_ih rows need " + x.length + " columns and W_hh rows " + hidden);
            }
            double s = bIh[r] + bHh[r];
            for (int k = 0; k < x.length; k++) {
                s += wIh[r][k] * x[k];
            }
            for (int k = 0; k < hidden; k++) {
                s += wHh[r][k] * h[k];
            }
            gates[r] = s;
        }
        double[] i = new double[hidden];
        double[] f = new double[hidden];
        double[] g = new double[hidden];
        double[] o = new double[hidden];
        double[] c2 = new double[hidden];
        double[] h2 = new double[hidden];
        for (int u = 0; u < hidden; u++) {
            i[u] = sigmoid(gates[u]);
            f[u] = sigmoid(gates[hidden + u]);
            g[u] = Math.tanh(gates[2 * hidden + u]);
            o[u] = sigmoid(gates[3 * hidden + u]);
            c2[u] = f[u] * c[u] + i[u] * g[u];
            h2[u] = o[u] * Math.tanh(c2[u]);
        }
        return new Step(gates, i, f, g, o, c2, h2);
    }

    public static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
