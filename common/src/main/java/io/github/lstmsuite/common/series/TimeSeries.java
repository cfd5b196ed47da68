package io.github.lstmsuite.common.series;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * An evenly spaced series: the target to forecast and optional feature columns, one row per time step.
 *
 * @param source       where it came from (a file name), for messages
 * @param targetName   the target column's name
 * @param timeName     the time column's name, or {@code null} (labels are then row numbers)
 * @param labels       one time label per row
 * @param target       the target's values
 * @param featureNames the feature columns' names
 * @param features     {@code [feature][row]}
 */
public record TimeSeries(String source, String targetName, String timeName, String[] labels, double[] target,
                         List<String> featureNames, double[][] features) {
    public TimeSeries {
        for (double[] f : features) {
            if (f.length != target.length) {
                throw new IllegalArgumentException("feature length " + f.length + " != target length " + target.length);
            }
        }
    }

    /** A univariate series with row-number labels. */
    public static TimeSeries of(String source, double[] values) {
        String[] labels = new String[values.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Integer.toString(i + 1);
        }
        return new TimeSeries(source, "value", null, labels, values, List.of(), new double[0][]);
    }

    /** Rows. */
    public int length() {
        return target.length;
    }

    /** Whether every target value is above zero (a log transform is possible). */
    public boolean positive(int upTo) {
        for (int i = 0; i < upTo; i++) {
            if (!(target[i] > 0)) {
                return false;
            }
        }
        return true;
    }

    /** The calendar periods the time labels suggest: 12 for {@code YYYY-MM} months, 7 and 365 for ISO dates, else none. */
    public int[] calendarPeriods() {
        String l = labels[0];
        try {
            YearMonth.parse(l);
            return new int[] {12};
        } catch (DateTimeParseException ignored) {
            // not a month
        }
        try {
            LocalDate.parse(l);
            return new int[] {7, 365};
        } catch (DateTimeParseException ignored) {
            return new int[0];
        }
    }

    /**
     * Labels for the {@code h} steps after the last row, continuing the last two labels' spacing when
     * they are numbers, {@code YYYY-MM} months or ISO dates, the next quarters after a {@code YYYY-Qn}; otherwise
     * {@code +1 … +h}.
     */
    public String[] futureLabels(int h) {
        String[] out = new String[h];
        int n = labels.length;
        String last = labels[n - 1];
        String prev = n > 1 ? labels[n - 2] : null;
        try {
            YearMonth a = YearMonth.parse(last);
            long step = prev == null ? 1 : ChronoUnit.MONTHS.between(YearMonth.parse(prev), a);
            for (int i = 0; i < h; i++) {
                out[i] = a.plusMonths(step * (i + 1)).toString();
            }
            return out;
        } catch (DateTimeParseException ignored) {
            // not a month
        }
        try {
            LocalDate a = LocalDate.parse(last);
            long step = prev == null ? 1 : ChronoUnit.DAYS.between(LocalDate.parse(prev), a);
            for (int i = 0; i < h; i++) {
                out[i] = a.plusDays(step * (i + 1)).toString();
            }
            return out;
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        java.util.regex.Matcher q = java.util.regex.Pattern.compile("(\\d{4})-Q([1-4])").matcher(last);
        if (q.matches()) {                                  // quarters: YYYY-Qn
            long at = Long.parseLong(q.group(1)) * 4 + Long.parseLong(q.group(2)) - 1;
            for (int i = 0; i < h; i++) {
                long next = at + i + 1;
                out[i] = (next / 4) + "-Q" + (next % 4 + 1);
            }
            return out;
        }
        try {
            long a = Long.parseLong(last);
            long step = prev == null ? 1 : a - Long.parseLong(prev);
            for (int i = 0; i < h; i++) {
                out[i] = Long.toString(a + step * (i + 1));
            }
            return out;
        } catch (NumberFormatException ignored) {
            // not an integer
        }
        for (int i = 0; i < h; i++) {
            out[i] = "+" + (i + 1);
        }
        return out;
    }
}
