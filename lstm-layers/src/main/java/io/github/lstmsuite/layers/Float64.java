package io.github.lstmsuite.layers;

import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a check with ND4J's default data type set to float64, as DL4J's {@code GradientCheckUtil} insists,
 * and restores the previous type afterwards.
 */
public final class Float64 {
    private Float64() {
    }

    public static boolean run(BooleanSupplier check) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return check.getAsBoolean();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }
}
