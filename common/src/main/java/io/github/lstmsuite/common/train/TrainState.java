package io.github.lstmsuite.common.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Where a training run stands; saved inside every checkpoint as {@code lstm-suite/state.json}.
 * Together with the network's parameters and updater state it is all a resumed run needs.
 */
public final class TrainState {
    /** Epochs completed. */
    public int epoch;
    /** Mini-batches completed inside the current epoch. */
    public int batchInEpoch;
    /** Optimiser steps completed in all. */
    public long step;
    /** Examples seen in all. */
    public long examples;
    /** Sum and count of per-step losses in the current epoch (for a mid-epoch resume). */
    public double epochLossSum;
    public long epochLossCount;
    /** Training seconds (excluding evaluation) in all, across restarts. */
    public double trainSeconds;
    /** Best value of the monitored metric so far and the epoch (1-based) that reached it. */
    public Double best;
    public int bestEpoch;
    public int epochsWithoutImprovement;
    /** Whether early stopping ended the run. */
    public boolean stoppedEarly;
    /** One row per completed epoch: epoch, step, train_loss, seconds, then the validation metrics. */
    public List<LinkedHashMap<String, Double>> history = new ArrayList<>();
}
