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
 *   <li>ND4J's own ops (dense layers, the updater) keep {@code OMP_NUM_THREADS} threads, which the
 *       {@code ./lstm} launcher sets to 1: measured on a 2-core machine, at these sizes ND4J's
 *       OpenMP threading costs more than it gives (one thread is 2.3–2.9× faster than two).</li>
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
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads must be at least 1, got " + threads);
            }
            System.setProperty(WORKERS_PROPERTY, Integer.toString(threads));
        }
        return Integer.getInteger(WORKERS_PROPERTY, Runtime.getRuntime().availableProcessors());
    }
}
