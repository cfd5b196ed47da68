package io.github.lstmsuite.common.text;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss of a next-token model on a text, per token, computed here rather than read from DL4J's
 * score (which sums over time steps and averages over the batch): the text is cut into {@code streams}
 * contiguous pieces, each read from a zero state with {@code rnnTimeStep} in chunks (the state carries
 * over), and every prediction of the next token counts: {@code −ln p(token_{t+1} | tokens ≤ t)}.
 */
public final class LanguageModelEval {
    private LanguageModelEval() {
    }

    /** Mean loss per predicted token, in nats, and how many tokens were predicted. */
    public record Loss(double natsPerToken, long tokens) {
        public double bitsPerToken() {
            return natsPerToken / Math.log(2);
        }

        public double perplexity() {
            return Math.exp(natsPerToken);
        }
    }

    /** How many next-token predictions {@link #loss} makes on a text of {@code tokens} tokens. */
    public static long predictions(int tokens, int streams) {
        int s = streamsFor(tokens, streams);
        return (long) s * (tokens / s - 1);
    }

    private static int streamsFor(int tokens, int streams) {
        return Math.max(1, Math.min(streams, tokens - 1));
    }

    /**
     * @param tokens the text as vocabulary indices (at least {@code streams + 1})
     * @param oneHot whether the network takes one-hot input {@code [B, V, T]} (else indices {@code [B, 1, T]})
     * @param chunk  time steps per {@code rnnTimeStep} call
     */
    public static Loss loss(MultiLayerNetwork net, int[] tokens, int vocab, int streams, int chunk, boolean oneHot) {
        streams = streamsFor(tokens.length, streams);
        int len = tokens.length / streams;          // each stream predicts len - 1 tokens
        net.rnnClearPreviousState();
        double sum = 0;
        long count = 0;
        for (int from = 0; from < len - 1; from += chunk) {
            int steps = Math.min(chunk, len - 1 - from);
            INDArray x = oneHot ? Nd4j.zeros(DataType.FLOAT, streams, vocab, steps) : Nd4j.zeros(DataType.FLOAT, streams, 1, steps);
            for (int s = 0; s < streams; s++) {
                for (int t = 0; t < steps; t++) {
                    int tok = tokens[s * len + from + t];
                    if (oneHot) {
                        x.putScalar(new long[]{s, tok, t}, 1f);
                    } else {
                        x.putScalar(new long[]{s, 0, t}, tok);
                    }
                }
            }
            INDArray p = net.rnnTimeStep(x);                               // [B, V, steps] probabilities
            if (p.rank() == 2) {
                p = p.reshape(p.size(0), p.size(1), 1);
            }
            for (int s = 0; s < streams; s++) {
                for (int t = 0; t < steps; t++) {
                    int next = tokens[s * len + from + t + 1];
                    double q = p.getDouble(s, next, t);
                    sum -= Math.log(Math.max(q, 1e-30));
                    count++;
                }
            }
        }
        net.rnnClearPreviousState();
        return new Loss(sum / count, count);
    }
}
