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
     * @param covariates per covariate of the panel, its values at every row ({@code length()} rows, then the future
     *                   rows), or null when the series does not have it
     */
    record Series(String name, String[] times, double[] values, int period, String periodFrom, double[][] covariates) {
        /** A series without covariates. */
        Series(String name, String[] times, double[] values, int period, String periodFrom) {
            this(name, times, values, period, periodFrom, new double[0][]);
        }

        int length() {
            return values.length;
        }

        /** Rows after the last value whose known-ahead covariates are given (0 without any). */
        int futureRows() {
            int n = 0;
            for (double[] c : covariates) {
                if (c != null) {
                    n = Math.max(n, c.length - values.length);
                }
            }
            return n;
        }

        /** The season's position of row 0: the month (0–11) or quarter (0–3) of its label when the period matches, else 0. */
        int phase0() {
            if (times.length == 0 || times[0] == null) {
                return 0;
            }
            if (period == 12 && MONTH.matcher(times[0]).matches()) {
                return Integer.parseInt(times[0].substring(5, 7)) - 1;
            }
            if (period == 4 && QUARTER.matcher(times[0]).matches()) {
                return times[0].charAt(6) - '1';
            }
            return 0;
        }
    }

    /**
     * A panel: where it was read from, its series in the order they first appear, its covariates' names (the columns
     * after {@code value}) and which of them are known ahead.
     */
    record Panel(String source, List<Series> series, List<String> covariates, List<String> future) {
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

    /** Reads the panel at {@code path} without covariates known ahead. */
    static Panel read(Path path, Integer period) {
        return read(path, period, List.of());
    }

    /**
     * Reads the panel at {@code path} (see the class comment); {@code period}: {@code --period}, or null; {@code future}:
     * the covariates known ahead ({@code --future}), each a column of the panel.
     */
    static Panel read(Path path, Integer period, List<String> future) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, List<String[]>> rows = new LinkedHashMap<>();   // series → (time, value, file, line, covariate…)
        List<String> names = new ArrayList<>();                     // the covariates, in the order their columns appear
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
                readWide(f, lines(f), rows, names);
            }
            index = readIndex(dir.resolve("index.csv"));
        } else {
            List<String> lines = lines(path);
            String[] header = lines.isEmpty() ? new String[0] : CsvSeries.splitLine(strip(lines.get(0)), path.toString(), 1);
            if (header.length == 2 || header.length > 2 && header[1].trim().equalsIgnoreCase("value")
                    && !header[0].trim().equalsIgnoreCase("series")) {
                readWide(path, lines, rows, names);         // one series: a panel of one
            } else {
                readLong(path, lines, rows, names);
            }
            Path parent = path.toAbsolutePath().getParent();
            index = readIndex(parent == null ? null : parent.resolve("index.csv"));
        }
        for (String f : future) {
            if (!names.contains(f)) {
                throw new UserException("--future " + f + ": no such covariate column in " + path + " ("
                        + (names.isEmpty() ? "it has none: its columns end at value" : "its covariates: " + String.join(", ", names)) + ")");
            }
        }
        boolean[] ahead = new boolean[names.size()];
        for (int c = 0; c < ahead.length; c++) {
            ahead[c] = future.contains(names.get(c));
        }
        List<Series> out = new ArrayList<>();
        for (var e : rows.entrySet()) {
            out.add(series(e.getKey(), e.getValue(), period, index, names, ahead));
        }
        return new Panel(path.toString(), out, List.copyOf(names), List.copyOf(future));
    }

    /**
     * Where each of a header's covariate columns (after the first {@code skip}) goes in the panel's list of covariates,
     * and last the number of covariate cells a row of this file needs.
     */
    private static int[] covariateColumns(String[] header, int skip, List<String> names, Path file) {
        int[] at = new int[header.length - skip + 1];        // each column's place, then the row width they need
        for (int i = skip; i < header.length; i++) {
            String name = header[i].trim();
            if (name.isEmpty()) {
                throw new UserException(file + ": line 1: column " + (i + 1) + " has no name (covariates need one)");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
            at[i - skip] = names.indexOf(name);
        }
        int width = 0;
        for (int i = 0; i < at.length - 1; i++) {
            width = Math.max(width, at[i] + 1);
        }
        at[at.length - 1] = width;
        return at;
    }

    /** A row as (time, value, file, line, covariate…), the covariates in the panel's order ("" where not given). */
    private static String[] row(String time, String value, Path file, int line, String[] fields, int skip, int[] at) {
        String[] r = new String[4 + at[at.length - 1]];          // at's last entry: the width, set once per file
        java.util.Arrays.fill(r, "");
        r[0] = time;
        r[1] = value;
        r[2] = file.toString();
        r[3] = String.valueOf(line);
        for (int i = 0; i < at.length - 1; i++) {
            r[4 + at[i]] = fields[skip + i].trim();
        }
        return r;
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

    /** A long CSV: header {@code series,time,value[,covariate…]}. */
    private static void readLong(Path file, List<String> lines, Map<String, List<String[]>> rows, List<String> names) {
        if (lines.isEmpty()) {
            throw new UserException(file + ": empty (expected a header series,time,value and one row per series and time)");
        }
        String[] header = CsvSeries.splitLine(strip(lines.get(0)), file.toString(), 1);
        if (header.length < 3 || !header[0].trim().equalsIgnoreCase("series") || !header[1].trim().equalsIgnoreCase("time")
                || !header[2].trim().equalsIgnoreCase("value")) {
            throw new UserException(file + ": line 1: expected the header series,time,value, got '" + lines.get(0).trim() + "'");
        }
        int[] at = covariateColumns(header, 3, names, file);
        for (int i = 1; i < lines.size(); i++) {
            String line = strip(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            String[] f = CsvSeries.splitLine(line, file.toString(), i + 1);
            if (f.length != header.length) {
                throw new UserException(file + ": line " + (i + 1) + ": " + f.length + " fields where the header has " + header.length
                        + " (" + String.join(",", header).trim() + ")");
            }
            String name = f[0].trim();
            if (name.isEmpty()) {
                throw new UserException(file + ": line " + (i + 1) + ": the series name is empty");
            }
            rows.computeIfAbsent(name, k -> new ArrayList<>()).add(row(f[1].trim(), f[2].trim(), file, i + 1, f, 3, at));
        }
    }

    /** One series' file: a header of the time, the value and any covariates (e.g. {@code time,value,price}). */
    private static void readWide(Path file, List<String> lines, Map<String, List<String[]>> rows, List<String> names) {
        String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
        if (lines.isEmpty()) {
            throw new UserException(file + ": empty (expected a header time,value and one row per time step)");
        }
        String[] header = CsvSeries.splitLine(strip(lines.get(0)), file.toString(), 1);
        if (header.length < 2) {
            throw new UserException(file + ": line 1: expected a header time,value[,covariate…], got '" + lines.get(0).trim() + "'");
        }
        int[] at = covariateColumns(header, 2, names, file);
        List<String[]> r = rows.computeIfAbsent(name, k -> new ArrayList<>());
        for (int i = 1; i < lines.size(); i++) {
            String line = strip(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            String[] f = CsvSeries.splitLine(line, file.toString(), i + 1);
            if (f.length != header.length) {
                throw new UserException(file + ": line " + (i + 1) + ": " + f.length + " fields where the header has " + header.length
                        + " (" + String.join(",", header).trim() + ")");
            }
            r.add(row(f[0].trim(), f[1].trim(), file, i + 1, f, 2, at));
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

    /**
     * A series from its rows: numbers, times in order and unique, its period, its covariates ({@code ahead[c]}: covariate
     * c is known ahead, so trailing rows without a value are the future when they give it).
     */
    private static Series series(String name, List<String[]> rows, Integer period, Map<String, Integer> index, List<String> names,
                                 boolean[] ahead) {
        int n = rows.size();
        boolean anyAhead = false;
        for (boolean a : ahead) {
            anyAhead |= a;
        }
        while (anyAhead && n > 0 && rows.get(n - 1)[1].isEmpty() && givesAhead(rows.get(n - 1), ahead)) {
            n--;                                                     // the future: rows with covariates known ahead and no value
        }
        String[] times = new String[n];
        double[] values = new double[n];
        Map<String, String> seen = new HashMap<>();
        String previous = null;
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            String where = r[2] + ": line " + r[3] + ": series " + name;
            String v = r[1];
            if (i < n) {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    boolean trailing = rows.subList(i, rows.size()).stream().allMatch(r2 -> r2[1].isEmpty());
                    boolean covariates = java.util.Arrays.stream(r, 4, r.length).anyMatch(c -> !c.isEmpty());
                    throw new UserException(where + ": value '" + v + "' is not a number" + (v.isEmpty() ? " (empty)" : "")
                            + (v.isEmpty() && trailing && covariates ? "; rows after a series' end are its future: name their covariates with --future" : ""));
                }
                if (!Double.isFinite(d)) {
                    throw new UserException(where + ": value '" + v + "' is not a finite number");
                }
                values[i] = d;
            }
            String t = r[0];
            if (t.isEmpty()) {
                throw new UserException(where + ": the time is empty");
            }
            String first = seen.putIfAbsent(t, r[3]);
            if (first != null) {
                throw new UserException(where + ": time " + t + " appears twice (first at line " + first + ")");
            }
            if (previous != null && compareTimes(previous, t) > 0) {
                throw new UserException(where + ": time " + t + " comes before the previous row's " + previous
                        + " (each series' rows must be in time order)");
            }
            previous = t;
            if (i < n) {
                times[i] = t;
            }
        }
        double[][] covariates = new double[names.size()][];
        for (int c = 0; c < names.size(); c++) {
            covariates[c] = covariate(name, rows, n, c, names.get(c), ahead[c]);
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
        return new Series(name, times, values, m, from, covariates);
    }

    /**
     * Covariate {@code c} of a series with {@code n} values: null when all its cells there are empty (the series does not
     * have it); otherwise a number at every row, and at every future row too when it is known ahead.
     */
    private static double[] covariate(String series, List<String[]> rows, int n, int c, String name, boolean ahead) {
        boolean any = false;
        for (int i = 0; i < n; i++) {
            any |= cell(rows.get(i), c).length() > 0;
        }
        if (!any) {
            return null;
        }
        int rowsWith = ahead ? rows.size() : n;
        double[] out = new double[rowsWith];
        for (int i = 0; i < rowsWith; i++) {
            String[] r = rows.get(i);
            String v = cell(r, c);
            String where = r[2] + ": line " + r[3] + ": series " + series + ": covariate " + name;
            try {
                out[i] = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new UserException(where + ": '" + v + "' is not a number" + (v.isEmpty()
                        ? " (empty; a series has a covariate at every row or at none" + (i >= n ? ", and the future rows need the known-ahead ones)" : ")")
                        : ""));
            }
            if (!Double.isFinite(out[i])) {
                throw new UserException(where + ": '" + v + "' is not a finite number");
            }
        }
        return out;
    }

    private static boolean givesAhead(String[] row, boolean[] ahead) {
        for (int c = 0; c < ahead.length; c++) {
            if (ahead[c] && !cell(row, c).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static String cell(String[] row, int c) {
        return 4 + c < row.length ? row[4 + c] : "";
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
