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
    /**
     * The training loss per step, smoothed (exponential moving average), as {@code [step, loss]} pairs: one
     * every {@link #curveStride} steps, the stride doubling whenever the list passes {@value #CURVE_POINTS} pairs.
     */
    public List<double[]> curve = new ArrayList<>();
    public int curveStride = 1;
    /** The moving average's current value ({@code NaN} before the first step). */
    public double smoothedLoss = Double.NaN;

    static final int CURVE_POINTS = 1000;

    /** Adds step {@code step}'s loss to the smoothed curve (weight 0.05: about the last 20 steps). */
    public void recordStep(long step, double loss) {
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
        if (step % curveStride == 0) {
            curve.add(new double[] {step, smoothedLoss});
            if (curve.size() > CURVE_POINTS) {
                curveStride *= 2;
                curve.removeIf(p -> (long) p[0] % curveStride != 0);
            }
        }
    }
}
