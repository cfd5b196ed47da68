package io.github.lstmsuite.common.train;

import org.nd4j.linalg.dataset.api.DataSet;

/**
 * The training data as the {@link Trainer} sees it: a fixed number of mini-batches per epoch, each
 * one a pure function of (epoch, index). That is what makes a resumed run identical to an
 * uninterrupted one: after a restart the trainer asks for batch {@code index} of epoch {@code epoch}
 * and gets exactly the batch the killed run would have seen (e.g. the shuffle order is drawn from
 * {@code seed + epoch}).
 */
public interface Batches {
    /** Mini-batches in one epoch. */
    int batchesPerEpoch();

    /** Mini-batch {@code index} (0-based) of epoch {@code epoch} (0-based). */
    DataSet batch(int epoch, int index);

    /**
     * Time steps over which DL4J's score of {@code batch} is summed, per example. DL4J's loss for a
     * many-to-one output is per example (return 1); for a many-to-many output it is the <em>sum</em>
     * over time steps, so a sequence model returns the number of (unmasked) steps per example, and
     * the trainer reports loss per time step.
     */
    default double stepsPerExample(DataSet batch) {
        return 1.0;
    }

    /**
     * For a network with several inputs (a {@code ComputationGraph}, e.g. an encoder–decoder): mini-batch
     * {@code index} of epoch {@code epoch} as a {@link org.nd4j.linalg.dataset.api.MultiDataSet}. When this
     * returns non-null the trainer uses it instead of {@link #batch}; the default is null.
     */
    default org.nd4j.linalg.dataset.api.MultiDataSet multiBatch(int epoch, int index) {
        return null;
    }

    /**
     * Called by the trainer with the network it is about to train (a fresh one, or the one restored from a
     * checkpoint): for batches that depend on the model, such as scheduled sampling's own predictions.
     */
    default void useNetwork(org.deeplearning4j.nn.api.Model network) {
    }

    /** As {@link #stepsPerExample(DataSet)}, for a {@link #multiBatch}. */
    default double stepsPerExample(org.nd4j.linalg.dataset.api.MultiDataSet batch) {
        return 1.0;
    }
}
