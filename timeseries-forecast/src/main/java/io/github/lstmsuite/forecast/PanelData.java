package io.github.lstmsuite.forecast;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.series.CsvSeries;
import io.github.lstmsuite.common.series.Periods;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Many series at once, read from a long CSV ({@code series,time,value}: one row per series and time step) or from a
 * folder of {@code time,value} CSVs (one per series, named by the file); a single two-column CSV is a panel of one. Each series' rows must be in time order with no
 * time twice and every value a number; anything else is one line naming the file, line and series.
 *
 * <p>Each series' seasonal period comes from, in this order: {@code --period}; an {@code index.csv} beside the data with
 * the columns {@code series} and {@code frequency} (the bundled panel has one); the time labels ({@code YYYY-MM} → 12,
 * {@code YYYY-Qn} → 4); otherwise the autocorrelation of its values.
 */
final class PanelData {
    /** The bundled development panel. */
    static final String BUNDLED = "timeseries-panel/panel-long.csv";

    private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
    private static final Pattern QUARTER = Pattern.compile("\\d{4}-Q[1-4]");

    private PanelData() {
    }

    /**
     * One series of a panel.
     *
     * @param name       its name (the {@code series} column, or the file's name)
     * @param times      its time labels, oldest first
     * @param values     its values
     * @param period     its seasonal period (1: none)
     * @param periodFrom where the period came from ({@code --period}, {@code index.csv}, {@code time labels}, {@code detected})
     */
    record Series(String name, String[] times, double[] values, int period, String periodFrom) {
        int length() {
            return values.length;
        }
    }

    /** A panel: where it was read from, and its series in the order they first appear. */
    record Panel(String source, List<Series> series) {
    }

    /** The file or folder {@code --panel} names, or the bundled panel when {@code path} is null. */
    static Path resolve(Path path) {
        if (path != null) {
            if (!Files.exists(path)) {
                throw new UserException("--panel " + path + ": no such file or folder (expected a long CSV series,time,value or a folder of time,value CSVs)");
            }
            return path;
        }
        return DatasetResolver.findBundledDir().resolve(BUNDLED);
    }

    /** Reads the panel at {@code path} (see the class comment); {@code period}: {@code --period}, or null. */
    static Panel read(Path path, Integer period) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, List<String[]>> rows = new LinkedHashMap<>();   // series → (time, value, file, line)
        if (Files.isDirectory(path)) {
            Path dir = path;
            List<Path> files = csvs(dir);
            if (files.isEmpty() && Files.isDirectory(dir.resolve("series"))) {
                files = csvs(dir.resolve("series"));
            }
            if (files.isEmpty()) {
                throw new UserException("--panel " + path + ": no series CSV files in the folder (expected NAME.csv files with the columns time,value)");
            }
            for (Path f : files) {
                readWide(f, lines(f), rows);
            }
            index = readIndex(dir.resolve("index.csv"));
        } else {
            List<String> lines = lines(path);
            if (!lines.isEmpty() && CsvSeries.splitLine(strip(lines.get(0)), path.toString(), 1).length == 2) {
                readWide(path, lines, rows);                // one series: a panel of one
            } else {
                readLong(path, lines, rows);
            }
            Path parent = path.toAbsolutePath().getParent();
            index = readIndex(parent == null ? null : parent.resolve("index.csv"));
        }
        List<Series> out = new ArrayList<>();
        for (var e : rows.entrySet()) {
            out.add(series(e.getKey(), e.getValue(), period, index));
        }
        return new Panel(path.toString(), out);
    }

    private static List<Path> csvs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".csv"))
                    .filter(p -> !p.getFileName().toString().equals("index.csv") && !p.getFileName().toString().startsWith("covariates"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UserException("--panel " + dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read it (" + e.getMessage() + ")");
        } catch (java.io.UncheckedIOException e) {
            throw new UserException(file + ": not UTF-8 text");
        }
    }

    /** A long CSV: header {@code series,time,value}. */
    private static void readLong(Path file, List<String> lines, Map<String, List<String[]>> rows) {
        if (lines.isEmpty()) {
            throw new UserException(file + ": empty (expected a header series,time,value and one row per series and time)");
        }
        String[] header = CsvSeries.splitLine(strip(lines.get(0)), file.toString(), 1);
        if (header.length < 3 || !header[0].trim().equalsIgnoreCase("series") || !header[1].trim().equalsIgnoreCase("time")
                || !header[2].trim().equalsIgnoreCase("value")) {
            throw new UserException(file + ": line 1: expected the header series,time,value, got '" + lines.get(0).trim() + "'");
        }
        if (header.length > 3) {
            System.out.printf("note: %s: the columns after series,time,value (%s) are not used: covariates are not supported yet%n",
                    file, String.join(",", java.util.Arrays.copyOfRange(header, 3, header.length)));
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = strip(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            String[] f = CsvSeries.splitLine(line, file.toString(), i + 1);
            if (f.length != header.length) {
                throw new UserException(file + ": line " + (i + 1) + ": " + f.length + " fields where the header has " + header.length
                        + " (series,time,value)");
            }
            String name = f[0].trim();
            if (name.isEmpty()) {
                throw new UserException(file + ": line " + (i + 1) + ": the series name is empty");
            }
            rows.computeIfAbsent(name, k -> new ArrayList<>()).add(new String[] {f[1].trim(), f[2].trim(), file.toString(), String.valueOf(i + 1)});
        }
    }

    /** One series' file: a header of two columns, the time and the value (e.g. {@code time,value}). */
    private static void readWide(Path file, List<String> lines, Map<String, List<String[]>> rows) {
        String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
        if (lines.isEmpty()) {
            throw new UserException(file + ": empty (expected a header time,value and one row per time step)");
        }
        String[] header = CsvSeries.splitLine(strip(lines.get(0)), file.toString(), 1);
        if (header.length != 2) {
            throw new UserException(file + ": line 1: expected a header of two columns (time,value), got '" + lines.get(0).trim() + "'");
        }
        List<String[]> r = rows.computeIfAbsent(name, k -> new ArrayList<>());
        for (int i = 1; i < lines.size(); i++) {
            String line = strip(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            String[] f = CsvSeries.splitLine(line, file.toString(), i + 1);
            if (f.length != 2) {
                throw new UserException(file + ": line " + (i + 1) + ": " + f.length + " fields where the header has 2 (time,value)");
            }
            r.add(new String[] {f[0].trim(), f[1].trim(), file.toString(), String.valueOf(i + 1)});
        }
    }

    private static String strip(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** {@code index.csv}: series → frequency, when the file is there. */
    private static Map<String, Integer> readIndex(Path file) {
        Map<String, Integer> out = new HashMap<>();
        if (file == null || !Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return out;
        }
        String[] header = CsvSeries.splitLine(strip(lines.get(0)), file.toString(), 1);
        int s = -1;
        int fq = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase("series")) {
                s = i;
            } else if (header[i].trim().equalsIgnoreCase("frequency")) {
                fq = i;
            }
        }
        if (s < 0 || fq < 0) {
            return out;                                     // not a frequency table
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = CsvSeries.splitLine(lines.get(i), file.toString(), i + 1);
            try {
                int v = Integer.parseInt(f[fq].trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.put(f[s].trim(), v);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new UserException(file + ": line " + (i + 1) + ": frequency must be a whole number ≥ 1");
            }
        }
        return out;
    }

    /** A series from its rows: numbers, times in order and unique, its period. */
    private static Series series(String name, List<String[]> rows, Integer period, Map<String, Integer> index) {
        String[] times = new String[rows.size()];
        double[] values = new double[rows.size()];
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            String where = r[2] + ": line " + r[3] + ": series " + name;
            String v = r[1];
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new UserException(where + ": value '" + v + "' is not a number" + (v.isEmpty() ? " (empty)" : ""));
            }
            if (!Double.isFinite(d)) {
                throw new UserException(where + ": value '" + v + "' is not a finite number");
            }
            String t = r[0];
            if (t.isEmpty()) {
                throw new UserException(where + ": the time is empty");
            }
            String first = seen.putIfAbsent(t, r[3]);
            if (first != null) {
                throw new UserException(where + ": time " + t + " appears twice (first at line " + first + ")");
            }
            if (i > 0 && compareTimes(times[i - 1], t) > 0) {
                throw new UserException(where + ": time " + t + " comes before the previous row's " + times[i - 1]
                        + " (each series' rows must be in time order)");
            }
            times[i] = t;
            values[i] = d;
        }
        int m;
        String from;
        if (period != null) {
            m = period;
            from = "--period";
        } else if (index.containsKey(name)) {
            m = index.get(name);
            from = "index.csv";
        } else if (times.length > 0 && MONTH.matcher(times[0]).matches()) {
            m = 12;
            from = "time labels";
        } else if (times.length > 0 && QUARTER.matcher(times[0]).matches()) {
            m = 4;
            from = "time labels";
        } else {
            m = values.length >= 8 ? Periods.detect(values, values.length) : 1;
            from = "detected";
        }
        return new Series(name, times, values, m, from);
    }

    /** Numbers as numbers, anything else as text (ISO dates, YYYY-MM and YYYY-Qn sort as text). */
    private static int compareTimes(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
