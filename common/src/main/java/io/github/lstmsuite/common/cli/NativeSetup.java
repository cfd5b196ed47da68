package io.github.lstmsuite.common.cli;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread and precision settings for ND4J, applied once before a run.
 *
 * <p>Measured on a 2-core machine (issue #7): at LSTM sizes ND4J's OpenMP threading costs more than
 * it gives, and one native thread is 2.3–2.9× faster than two. The {@code ./lstm} launcher therefore
 * exports {@code OMP_NUM_THREADS=1} unless the user set it; {@code --threads N} overrides both.
 */
public final class NativeSetup {
    private NativeSetup() {
    }

    /** Applies {@code threads} (if given) and float32 as the default data type; returns the threads in use. */
    public static int apply(Integer threads) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        if (threads != null) {
            if (threads < 1) {
                throw new io.github.lstmsuite.common.UserException("--threads must be at least 1, got " + threads);
            }
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
        return Nd4j.getEnvironment().maxThreads();
    }
}
