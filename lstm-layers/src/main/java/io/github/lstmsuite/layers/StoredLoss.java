package io.github.lstmsuite.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss an output layer computed in its backward pass, kept for the score DL4J asks for right after it
 * ({@link SoftmaxOutputLayer}, {@link DenseSoftmaxOutputLayer}): DL4J's own layers compute the logits and
 * the softmax a second time for that. It belongs to the input and labels it was computed from, and is
 * given out once.
 */
final class StoredLoss {
    private INDArray input;
    private INDArray labels;
    private double loss;

    void keep(INDArray input, INDArray labels, double loss) {
        this.input = input;
        this.labels = labels;
        this.loss = loss;
    }

    /** The kept loss (summed over the batch) if it was computed from these very arrays, else NaN; forgotten either way. */
    double take(INDArray input, INDArray labels) {
        boolean same = this.input != null && this.input == input && this.labels == labels;
        clear();
        return same ? loss : Double.NaN;
    }

    void clear() {
        input = null;
        labels = null;
    }
}
