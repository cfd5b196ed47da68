package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import org.bytedeco.javacpp.Pointer;

/**
 * Size checks made before a network is built, so that an absurd flag ({@code --hidden 2000000000}) is a
 * one-line error that says what fits instead of an overflow deep inside DL4J or an out-of-memory crash.
 * The estimate counts what training keeps off-heap per parameter: the parameter, its gradient and
 * Adam's two moments (4 × 4 bytes in float32), against JavaCPP's off-heap limit
 * ({@code -Dorg.bytedeco.javacpp.maxbytes}, which {@code ./lstm} sets).
 */
public final class Limits {
    /** Bytes per parameter while training with Adam in float32: value, gradient, two moments. */
    static final long BYTES_PER_PARAMETER = 16;

    private Limits() {
    }

    /** Parameters of {@code layers} stacked LSTMs reading {@code nIn} features ({@code 4H(nIn + H + 1)} per layer). */
    public static double lstmParameters(long nIn, long hidden, int layers) {
        return 4.0 * hidden * (nIn + hidden + 1) + (Math.max(1, layers) - 1) * 4.0 * hidden * (2.0 * hidden + 1);
    }

    /** The off-heap bytes this JVM may use for ND4J's arrays. */
    public static long offHeapLimit() {
        long max = Pointer.maxBytes();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }

    /**
     * Refuses a recurrent stack whose training state would not fit. The parameters outside the recurrent
     * layers (embeddings, output layer) are {@code perUnit · hidden + fixed}. The message names
     * {@code --hidden} and the largest value that fits with the other settings unchanged.
     */
    public static void checkRecurrent(long nIn, long hidden, int layers, long perUnit, long fixed) {
        long limit = offHeapLimit();
        double need = total(nIn, hidden, layers, perUnit, fixed) * BYTES_PER_PARAMETER;
        if (need <= limit * 0.8) {
            return;
        }
        long lo = 1;
        long hi = Math.max(1, hidden);
        while (lo < hi) {                  // the largest H that fits (other parameters taken as they are)
            long mid = (lo + hi + 1) >>> 1;
            if (total(nIn, mid, layers, perUnit, fixed) * BYTES_PER_PARAMETER <= limit * 0.8) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        throw new UserException(String.format("--hidden %d: a network of about %.3g parameters needs about %s to train "
                        + "(parameters, gradients, Adam's state) but this JVM may use %s off-heap; --hidden up to %d fits "
                        + "(or raise -Dorg.bytedeco.javacpp.maxbytes in LSTM_JAVA_OPTS)",
                hidden, total(nIn, hidden, layers, perUnit, fixed), bytes(need), bytes(limit), lo));
    }

    private static double total(long nIn, long hidden, int layers, long perUnit, long fixed) {
        return lstmParameters(nIn, hidden, layers) + (double) perUnit * hidden + fixed;
    }

    private static String bytes(double b) {
        return b >= 1e12 ? String.format("%.3g GB", b / 1e9) : b >= 1e9 ? String.format("%,.1f GB", b / 1e9)
                : String.format("%,.0f MB", b / 1e6);
    }
}
