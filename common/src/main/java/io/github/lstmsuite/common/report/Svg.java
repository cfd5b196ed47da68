package io.github.lstmsuite.common.report;

import java.util.List;
import java.util.Locale;

/**
 * Small SVG charts for {@link RunReport}: a line chart (axes with round ticks, one polyline or set of points per
 * series, a legend) and a heat map (e.g. attention weights, written by an app as an {@code .svg} file of its run).
 */
public final class Svg {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int W = 520, H = 320, LEFT = 60, RIGHT = 15, TOP = 30, BOTTOM = 75;

    private Svg() {
    }

    /** One series: {@code points} draws markers, otherwise a line. NaN values are skipped. */
    record Series(String name, double[] x, double[] y, boolean points) {
    }

    static String chart(String title, String xTitle, List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, s.y()[i]);
                    y1 = Math.max(y1, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(x0)) {
            return "";
        }
        x0 = Math.min(x0, 0);
        double[] xt = ticks(x0, x1 > x0 ? x1 : x0 + 1);
        double[] yt = ticks(y0 == y1 ? y0 - 1 : y0, y0 == y1 ? y1 + 1 : y1);
        double ax0 = xt[0], ax1 = xt[xt.length - 1], ay0 = yt[0], ay1 = yt[yt.length - 1];
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                W, H, W, H, RunReport.esc(title)));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>", LEFT, RunReport.esc(title)));
        for (double t : yt) {
            double y = TOP + ph * (1 - (t - ay0) / (ay1 - ay0));
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>", LEFT, LEFT + pw, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT - 5, y + 4, label(t)));
        }
        for (double t : xt) {
            double x = LEFT + pw * (t - ax0) / (ax1 - ax0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e5e5e5\"/>", x, x, TOP, TOP + ph));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, TOP + ph + 15, label(t)));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", LEFT, TOP, pw, ph));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", LEFT + pw / 2, TOP + ph + 32, RunReport.esc(xTitle)));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int j = 0; j < s.x().length; j++) {
                if (!Double.isFinite(s.x()[j]) || !Double.isFinite(s.y()[j])) {
                    continue;
                }
                double x = LEFT + pw * (s.x()[j] - ax0) / (ax1 - ax0);
                double y = TOP + ph * (1 - (s.y()[j] - ay0) / (ay1 - ay0));
                if (s.points()) {
                    b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", x, y, color));
                }
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"%s\"/>", color,
                    s.points() ? "1" : "2", pts.toString().trim()));
            int ly = TOP + ph + 50 + (i / 2) * 15;
            int lx = LEFT + (i % 2) * 230;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>", lx, lx + 20, ly - 4, ly - 4, color));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", lx + 25, ly, RunReport.esc(s.name())));
        }
        return b.append("</svg>").toString();
    }

    /**
     * A heat map of {@code values} (rows × columns, each in [0, 1]) with a label per row (left) and per column
     * (top, slanted). The darkest cell is the largest value (the scale is written under the title: weights
     * spread over many columns would otherwise all look blank); values of at least 0.1 are written in their cell.
     */
    public static String heatmap(String title, List<String> rows, List<String> columns, double[][] values) {
        if (values.length != rows.size() || (values.length > 0 && values[0].length != columns.size())) {
            throw new IllegalArgumentException("heat map: " + values.length + " rows of values for " + rows.size()
                    + " row labels, " + (values.length == 0 ? 0 : values[0].length) + " columns for " + columns.size());
        }
        int cell = 30, left = 110, top = 105, right = 20, bottom = 20;
        int w = Math.max(left + cell * columns.size() + right, 20 + 8 * title.length());      // room for the title
        int h = top + cell * rows.size() + bottom;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                w, h, w, h, RunReport.esc(title)));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>", RunReport.esc(title)));
        double max = 1e-12;
        for (double[] row : values) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"34\" font-size=\"11\" fill=\"#555\">darkest = %.0f%%, white = 0</text>", 100 * max));
        for (int c = 0; c < columns.size(); c++) {
            double x = left + cell * c + cell / 2.0;
            b.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f,%d) rotate(-50)\" font-size=\"12\">%s</text>",
                    x, top - 6, RunReport.esc(shorten(columns.get(c)))));
        }
        for (int r = 0; r < rows.size(); r++) {
            int y = top + cell * r;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
                    left - 6, y + cell / 2 + 4, RunReport.esc(shorten(rows.get(r)))));
            for (int c = 0; c < columns.size(); c++) {
                double v = Math.max(0, Math.min(1, values[r][c]));
                int x = left + cell * c;
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#08306b\" fill-opacity=\"%.3f\" stroke=\"#ddd\"/>",
                        x, y, cell, cell, v / max));
                if (v >= 0.1) {
                    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"%s\">%.0f</text>",
                            x + cell / 2, y + cell / 2 + 4, v / max > 0.5 ? "white" : "black", 100 * v));
                }
            }
        }
        return b.append("</svg>").toString();
    }

    private static String shorten(String s) {
        if (s.isBlank()) {
            return "␣";                                    // a space token (character-level models)
        }
        return s.length() <= 14 ? s : s.substring(0, 13) + "…";
    }

    /** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about five of them. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double first = Math.floor(lo / step) * step;
        int n = (int) Math.ceil((hi - first) / step - 1e-9) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    private static String label(double v) {
        if (Math.abs(v) < 1e-12) {
            return "0";
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+$", "");
    }
}
