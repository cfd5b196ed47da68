package io.github.lstmsuite.common.text;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from a model's probabilities: temperature, then top-k, then top-p (nucleus),
 * then a draw. Temperature 0 is greedy (argmax); temperature T reshapes the distribution as
 * {@code p_i^(1/T)} renormalised, which is softmax(logits / T) — what “LSTM principles, a digest” does to the logits.
 */
public final class Sampling {
    private Sampling() {
    }

    /**
     * @param probs       the model's probabilities (not modified)
     * @param temperature 0 = argmax; below 1 sharper, above 1 flatter
     * @param topK        keep the k most likely (0 = all)
     * @param topP        keep the smallest set whose probability reaches p (1 = all)
     */
    public static int next(double[] probs, double temperature, int topK, double topP, Random random) {
        int n = probs.length;
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (probs[i] > probs[best]) {
                    best = i;
                }
            }
            return best;
        }
        // work in log space: log p / T, then a stable softmax
        double[] w = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            w[i] = Math.log(Math.max(probs[i], 1e-30)) / temperature;
            max = Math.max(max, w[i]);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp(w[i] - max);
            total += w[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            w[i] /= total;
        }
        Arrays.sort(order, (a, b) -> Double.compare(w[b], w[a]));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        if (topP < 1) {
            double cum = 0;
            for (int r = 0; r < keep; r++) {
                cum += w[order[r]];
                if (cum >= topP) {
                    keep = r + 1;
                    break;
                }
            }
        }
        double mass = 0;
        for (int r = 0; r < keep; r++) {
            mass += w[order[r]];
        }
        double u = random.nextDouble() * mass;
        for (int r = 0; r < keep; r++) {
            u -= w[order[r]];
            if (u <= 0) {
                return order[r];
            }
        }
        return order[keep - 1];
    }
}
