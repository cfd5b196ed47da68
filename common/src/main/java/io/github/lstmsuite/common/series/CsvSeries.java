package io.github.lstmsuite.common.series;

import io.github.lstmsuite.common.UserException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a time series from a CSV file with a header row: a target column, optional feature columns
 * and an optional time column (labels only: the rows must already be in time order and evenly spaced).
 *
 * <p>Accepts quoted fields ({@code "a,b"}, {@code ""} for a quote), CRLF line endings and a missing
 * final newline. {@code NA}, {@code NaN}, {@code null} and empty fields are missing values, handled by
 * {@link Missing}. Every error names the file and the line (1 = the header) or the column.
 * DataVec's CSV record reader would read the fields, but not name a bad line or column in its errors,
 * nor treat missing values; this class does both in one pass.
 */
public final class CsvSeries {
    private static final Pattern TIME_NAME = Pattern.compile("(?i)(t|ds|.*(date|time|month|year|day|week|hour|period|quarter).*)");

    private CsvSeries() {
    }

    /** What to do with a missing value in a used column. */
    public enum Missing {
        /** Stop with an error naming the line and column (the default). */
        error,
        /** Straight line between the neighbouring known values (nearest value at the ends). */
        interpolate,
        /** Leave the row out (the spacing of the series then changes). */
        drop
    }

    /**
     * Which columns to read.
     *
     * @param target   the column to forecast; {@code null} = the only numeric column other than the time column
     * @param features extra input columns (may be empty)
     * @param time     the time-label column; {@code null} = the first column when it is not otherwise used and
     *                 holds text or has a time-like name; {@code "none"} = row numbers
     */
    public record Columns(String target, List<String> features, String time) {
        public Columns {
            features = features == null ? List.of() : List.copyOf(features);
        }
    }

    /** Reads {@code file}. */
    public static TimeSeries read(Path file, Columns columns, Missing missing) {
        String text;
        io.github.lstmsuite.common.data.InputLimits.checkText(file, 0);
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new UserException(file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read it (" + e.getMessage() + ")");
        }
        return parse(file.toString(), text, columns, missing);
    }

    /** Parses CSV {@code text}; {@code source} names it in errors. */
    public static TimeSeries parse(String source, String text, Columns columns, Missing missing) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                rows.add(splitLine(lines[i], source, i + 1));
                lineNumbers.add(i + 1);
            }
        }
        if (rows.size() < 2) {
            throw new UserException(source + ": expected a header line and data lines, found " + rows.size() + " non-empty line(s)");
        }
        String[] header = rows.get(0);
        for (int r = 1; r < rows.size(); r++) {
            if (rows.get(r).length != header.length) {
                throw new UserException(source + ": line " + lineNumbers.get(r) + " has " + rows.get(r).length
                        + " fields, the header has " + header.length);
            }
        }

        // ---- pick the columns
        String target = columns.target();
        String time = columns.time();
        if (time == null && !header[0].equals(target) && !columns.features().contains(header[0])
                && (TIME_NAME.matcher(header[0]).matches() || !isNumber(rows.get(1)[0]))) {
            time = header[0];
        }
        if ("none".equals(time)) {
            time = null;
        }
        if (target == null) {
            List<String> numeric = new ArrayList<>();
            for (int c = 0; c < header.length; c++) {
                if (!header[c].equals(time) && isNumber(rows.get(1)[c])) {
                    numeric.add(header[c]);
                }
            }
            if (numeric.size() != 1) {
                throw new UserException(source + ": pass --target COL, one of " + String.join(", ", header)
                        + " (the file has " + numeric.size() + " numeric columns besides the time column)");
            }
            target = numeric.get(0);
        }
        int targetCol = column(header, target, source, "--target");
        int timeCol = time == null ? -1 : column(header, time, source, "--time");
        int[] featureCols = new int[columns.features().size()];
        for (int i = 0; i < featureCols.length; i++) {
            featureCols[i] = column(header, columns.features().get(i), source, "--features");
            if (featureCols[i] == targetCol) {
                throw new UserException("--features: '" + columns.features().get(i) + "' is the target column; the target's history is always an input");
            }
        }

        // ---- values: [column][row], NaN = missing
        int n = rows.size() - 1;
        int[] used = new int[1 + featureCols.length];
        used[0] = targetCol;
        System.arraycopy(featureCols, 0, used, 1, featureCols.length);
        double[][] values = new double[used.length][n];
        String[] labels = new String[n];
        for (int r = 0; r < n; r++) {
            String[] row = rows.get(r + 1);
            labels[r] = timeCol < 0 ? Integer.toString(r + 1) : row[timeCol];
            for (int k = 0; k < used.length; k++) {
                String field = row[used[k]].trim();
                if (isMissing(field)) {
                    if (missing == Missing.error) {
                        throw new UserException(source + ": line " + lineNumbers.get(r + 1) + ", column '" + header[used[k]]
                                + "': missing value '" + field + "' (use --missing interpolate or --missing drop)");
                    }
                    values[k][r] = Double.NaN;
                } else {
                    try {
                        values[k][r] = Double.parseDouble(field);
                    } catch (NumberFormatException e) {
                        throw new UserException(source + ": line " + lineNumbers.get(r + 1) + ", column '" + header[used[k]]
                                + "': '" + field + "' is not a number");
                    }
                    if (!Double.isFinite(values[k][r])) {
                        throw new UserException(source + ": line " + lineNumbers.get(r + 1) + ", column '" + header[used[k]]
                                + "': '" + field + "' is not a finite number");
                    }
                }
            }
        }
        if (missing == Missing.drop) {
            boolean[] keep = new boolean[n];
            int kept = 0;
            for (int r = 0; r < n; r++) {
                keep[r] = true;
                for (double[] col : values) {
                    keep[r] &= !Double.isNaN(col[r]);
                }
                kept += keep[r] ? 1 : 0;
            }
            String[] l2 = new String[kept];
            double[][] v2 = new double[values.length][kept];
            for (int r = 0, j = 0; r < n; r++) {
                if (keep[r]) {
                    l2[j] = labels[r];
                    for (int k = 0; k < values.length; k++) {
                        v2[k][j] = values[k][r];
                    }
                    j++;
                }
            }
            labels = l2;
            values = v2;
        } else if (missing == Missing.interpolate) {
            for (int k = 0; k < values.length; k++) {
                if (!interpolate(values[k])) {
                    throw new UserException(source + ": column '" + header[used[k]] + "' has no values at all");
                }
            }
        }
        double[][] features = Arrays.copyOfRange(values, 1, values.length);
        return new TimeSeries(source, header[targetCol], time, labels, values[0], columns.features(), features);
    }

    /** Fills NaNs in place by linear interpolation (nearest known value at either end); false if all are NaN. */
    static boolean interpolate(double[] v) {
        int prev = -1;
        for (int i = 0; i <= v.length; i++) {
            if (i < v.length && Double.isNaN(v[i])) {
                continue;
            }
            if (i - prev > 1) {                       // a gap (prev, i)
                if (prev < 0 && i == v.length) {
                    return false;
                }
                for (int j = prev + 1; j < i; j++) {
                    if (prev < 0) {
                        v[j] = v[i];
                    } else if (i == v.length) {
                        v[j] = v[prev];
                    } else {
                        v[j] = v[prev] + (v[i] - v[prev]) * (j - prev) / (double) (i - prev);
                    }
                }
            }
            prev = i;
        }
        return true;
    }

    private static int column(String[] header, String name, String source, String flag) {
        for (int c = 0; c < header.length; c++) {
            if (header[c].equals(name)) {
                return c;
            }
        }
        throw new UserException(flag + ": " + source + " has no column '" + name + "' (columns: " + String.join(", ", header) + ")");
    }

    private static boolean isMissing(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.isEmpty() || l.equals("na") || l.equals("nan") || l.equals("null") || l.equals("?");
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return isMissing(s.trim());
        }
    }

    /** Splits one CSV line (RFC 4180 quoting, no line breaks inside quotes); an unclosed quote is a one-line error naming {@code source} and the line. */
    public static String[] splitLine(String line, String source, int lineNumber) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    sb.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(ch);
            }
        }
        if (quoted) {
            throw new UserException(source + ": line " + lineNumber + " has an unclosed quote");
        }
        out.add(sb.toString());
        return out.toArray(String[]::new);
    }
}
