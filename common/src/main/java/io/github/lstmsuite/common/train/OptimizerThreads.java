package io.github.lstmsuite.common.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's thread pool for the optimizer's step only. The many small ND4J ops of a forward and backward pass
 * run fastest on one thread ({@code NativeSetup}); the step that follows them — gradient clipping, the
 * updater (Adam's moments and update) and the subtraction of the update from the parameters — walks every
 * parameter several times, and on the translator's 2.4 M parameters gains from a second thread
 * (Adam: 15 → 8.6 ms per step on two cores). DL4J calls {@link #onGradientCalculation} between the
 * backward pass and that step, and {@link #iterationDone} after it.
 *
 * <p>Always {@value #THREADS} threads (when ND4J's pool has them: {@code OMP_NUM_THREADS}, read once when ND4J
 * starts, which {@code ./lstm} sets to 2), whatever the number of cores: the step's result with one thread
 * and with two differs in the last bits (the translator's first-epoch loss 4.075569 against 4.075526), so a
 * fixed count keeps the numbers the same on every machine (more threads were not measured). Idle pool
 * threads must sleep, not spin ({@code OMP_WAIT_POLICY=PASSIVE}, also set by {@code ./lstm}): spinning
 * ones took a core from the LSTM layers' workers.
 */
public final class OptimizerThreads extends BaseTrainingListener {
    /** Threads of the optimizer's step. */
    public static final int THREADS = 2;
    /**
     * Smaller models keep one thread: waking a second one for each of the step's ops costs more than it saves
     * (the MNIST benchmark's 82 K parameters: 4,238–4,472 against 4,339–4,705 samples/s on one thread).
     */
    public static final long MIN_PARAMS = 1_000_000;

    private final int threads;
    private int before = -1;

    /** {@value #THREADS} threads, or fewer if ND4J's pool is smaller. */
    public OptimizerThreads() {
        this(Math.min(THREADS, Nd4j.getEnvironment().maxThreads()));
    }

    /** {@code threads} of ND4J's pool (more than the pool has are not used). */
    public OptimizerThreads(int threads) {
        this.threads = Math.max(1, threads);
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (model.numParams() < MIN_PARAMS) {
            return;
        }
        before = Nd4j.getEnvironment().maxMasterThreads();
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        restore();
    }

    /** Back to the thread count from before the step (also after a step that failed half-way). */
    public void restore() {
        if (before > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
            before = -1;
        }
    }
}
