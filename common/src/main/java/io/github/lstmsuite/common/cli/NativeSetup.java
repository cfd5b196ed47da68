package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread and precision settings, applied once before a run.
 *
 * <ul>
 *   <li>Precision: float32 everywhere (the suite's LSTM layer computes in float32).</li>
 *   <li>The suite's LSTM layers ({@code FastLstm}) split each mini-batch across {@code --threads}
 *       cores, by default all of them (system property {@code lstm.suite.workers}).</li>
 *   <li>ND4J's own ops (dense layers, element-wise work, its matrix products) run on one thread:
 *       measured on a 2-core machine, at these sizes ND4J's threading costs more than it gives (a
 *       translator epoch 25 s on one thread, 32 s on two). The exception is the optimizer's step
 *       (clipping, Adam, the parameter update) of a model over 1 M parameters, which the trainer runs on
 *       two of ND4J's threads (its pool has {@code OMP_NUM_THREADS}, read when ND4J starts; {@code ./lstm}
 *       sets it to 2): see {@link io.github.lstmsuite.common.train.OptimizerThreads}.</li>
 * </ul>
 */
public final class NativeSetup {
    /** The system property {@code FastLstmLayer} reads for its number of worker threads. */
    public static final String WORKERS_PROPERTY = "lstm.suite.workers";

    private NativeSetup() {
    }

    /** Applies {@code threads} (if given) and float32 as the default data type; returns the LSTM threads in use. */
    public static int apply(Integer threads) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxMasterThreads(1);                          // ND4J's ops: one thread
        org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);  // its products too
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads must be at least 1, got " + threads);
            }
            System.setProperty(WORKERS_PROPERTY, Integer.toString(threads));
        }
        return Integer.getInteger(WORKERS_PROPERTY, Runtime.getRuntime().availableProcessors());
    }
}
