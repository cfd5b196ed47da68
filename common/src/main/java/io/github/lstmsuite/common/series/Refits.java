package io.github.lstmsuite.common.series;

import java.util.Arrays;
import java.util.Comparator;

/** When a statistical forecaster refits over many origins: the origins in time order, and a refit every r-th of them. */
final class Refits {
    private Refits() {
    }

    /** The indices of {@code origins} in time order (the earliest origin first). */
    static Integer[] inTimeOrder(int[] origins) {
        Integer[] order = new Integer[origins.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> origins[i]));
        return order;
    }

    /**
     * r, the smallest step such that refitting at every r-th origin keeps origins × history length (the longest
     * history: the last origin's) within {@code budget}.
     */
    static long every(int[] origins, long budget) {
        long last = Arrays.stream(origins).max().orElse(-1) + 1L;
        long work = origins.length * last;
        return Math.max(1, (work + budget - 1) / budget);
    }
}
