package io.github.lstmsuite.common.report;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code metrics.csv}: one row per epoch, the union of all metric names as columns. Rewritten atomically. */
public final class MetricsCsv {
    private MetricsCsv() {
    }

    public static void write(Path file, List<? extends Map<String, Double>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, Double> r : rows) {
            boolean first = true;
            for (String c : columns) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                Double v = r.get(c);
                if (v != null) {
                    sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : Double.toString(v));
                }
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
