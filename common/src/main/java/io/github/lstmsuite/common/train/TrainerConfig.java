package io.github.lstmsuite.common.train;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the {@link Trainer} runs.
 *
 * @param epochs              passes over the training data (the total, also when resuming)
 * @param seed                the run's seed: ND4J's random generator is re-seeded from it at every step
 * @param runDir              the run's folder: {@code checkpoints/}, {@code metrics.csv}, charts
 * @param resume              continue from {@code runDir/checkpoints/last.zip}
 * @param checkpointInterval  also checkpoint inside an epoch when this much time has passed
 * @param maxSteps            stop (with a checkpoint) after this many optimiser steps in all; 0 = no limit
 * @param monitor             the validation metric that picks the best model and drives early stopping,
 *                            or {@code null} to use the training loss
 * @param higherIsBetter      whether a larger {@code monitor} is better (accuracy) or worse (loss)
 * @param patience            stop after this many epochs without improvement; 0 = never stop early
 * @param resumeFolder        the {@code --output-dir} a user passes to continue: {@code runDir}, or the run
 *                            folder above it when a run trains several models in sub-folders
 */
public record TrainerConfig(int epochs, long seed, Path runDir, boolean resume, Duration checkpointInterval,
                            long maxSteps, String monitor, boolean higherIsBetter, int patience, Path resumeFolder) {
    public TrainerConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1");
        }
    }

    /** A run whose checkpoints are in its own folder ({@code resumeFolder = runDir}). */
    public TrainerConfig(int epochs, long seed, Path runDir, boolean resume, Duration checkpointInterval,
                         long maxSteps, String monitor, boolean higherIsBetter, int patience) {
        this(epochs, seed, runDir, resume, checkpointInterval, maxSteps, monitor, higherIsBetter, patience, runDir);
    }

    /** The metric that picks the best epoch: {@link #monitor()}, or {@code train_loss} without validation. */
    public String monitoredMetric() {
        return monitor != null ? monitor : "train_loss";
    }

    /** Whether a larger monitored value is better (never for the training loss). */
    public boolean monitoredHigherIsBetter() {
        return monitor != null && higherIsBetter;
    }
}
