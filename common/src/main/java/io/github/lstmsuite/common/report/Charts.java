package io.github.lstmsuite.common.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts (XChart): learning curves, line charts (forecasts), and a confusion matrix drawn as a heat map. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * Learning curves: on the left the training loss per optimiser step (smoothed, from {@code curve}'s
     * {@code [step, loss]} pairs) with every {@code *loss*} column of the per-epoch {@code history} as points at
     * its epoch's last step; on the right every other {@code val_*} metric per epoch. Written atomically.
     */
    public static void learningCurves(Path file, List<double[]> curve, List<? extends Map<String, Double>> history) {
        if (history.isEmpty() && curve.isEmpty()) {
            return;
        }
        // the x axis counts epochs, steps as fractions of one: readable ticks whatever the number of steps
        double stepsPerEpoch = history.isEmpty() ? 0 : history.get(0).get("step") / history.get(0).get("epoch");
        String xTitle = stepsPerEpoch > 0 ? "epoch" : "step";
        double scale = stepsPerEpoch > 0 ? 1 / stepsPerEpoch : 1;
        XYChart loss = chart("Loss (per output time step)", xTitle, "loss");
        loss.getStyler().setXAxisDecimalPattern(stepsPerEpoch > 0 ? "0.##" : "#,##0");
        if (!curve.isEmpty()) {
            // at most ~150 points (the curve is smoothed already): with many evenly spaced points XChart puts its
            // x ticks on the data (0.16, 0.31, …) instead of round values; short runs may still show such ticks
            int every = Math.max(1, curve.size() / 150);
            List<double[]> shown = new ArrayList<>();
            for (int i = 0; i < curve.size(); i += every) {
                shown.add(curve.get(i));
            }
            shown.add(curve.get(curve.size() - 1));
            loss.addSeries("train_loss (smoothed, per step)", shown.stream().mapToDouble(p -> p[0] * scale).toArray(),
                    shown.stream().mapToDouble(p -> p[1]).toArray()).setMarker(SeriesMarkers.NONE);
        }
        List<Double> steps = new ArrayList<>();
        List<Double> epochs = new ArrayList<>();
        history.forEach(r -> {
            steps.add(r.get("step") * scale);
            epochs.add(r.get("epoch"));
        });
        XYChart other = chart("Validation metrics", "epoch", "value");
        for (String key : history.isEmpty() ? java.util.Set.<String>of() : history.get(0).keySet()) {
            List<Double> ys = new ArrayList<>();
            history.forEach(r -> ys.add(r.getOrDefault(key, Double.NaN)));
            if (key.contains("loss")) {
                var s = loss.addSeries(key + (key.startsWith("train") ? " (epoch mean)" : " (epoch end)"), steps, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            } else if (key.startsWith("val_")) {
                other.addSeries(key, epochs, ys).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        List<XYChart> charts = other.getSeriesMap().isEmpty() ? List.of(loss) : List.of(loss, other);
        BufferedImage img = new BufferedImage(500 * charts.size(), 350, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            Graphics2D sub = (Graphics2D) g.create(500 * i, 0, 500, 350);
            charts.get(i).paint(sub, 500, 350);
            sub.dispose();
        }
        g.dispose();
        writePng(file, img);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(500).height(350).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern("0.###");
        return c;
    }

    /**
     * One line of a {@link #lines} chart.
     *
     * @param name   its legend entry; {@code null} = no entry (e.g. the second bound of an interval)
     * @param dashed drawn dashed (for intervals and baselines)
     */
    public record Line(String name, double[] x, double[] y, Color color, boolean dashed) {
    }

    /** A line chart of several series over a shared x axis (e.g. history, actuals and forecasts). Written atomically. */
    public static void lines(Path file, String title, String xTitle, String yTitle, List<Line> lines) {
        lines(file, title, xTitle, yTitle, lines, null);
    }

    /** As above, the x axis' tick labels given by {@code xLabels} (e.g. the dates of a series' rows). */
    public static void lines(Path file, String title, String xTitle, String yTitle, List<Line> lines,
                             java.util.function.Function<Double, String> xLabels) {
        XYChart c = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("0");
        if (xLabels != null) {
            c.getStyler().setxAxisTickLabelsFormattingFunction(xLabels);
        }
        c.getStyler().setMarkerSize(0);
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            var s = c.addSeries(l.name() != null ? l.name() : "_" + i, l.x(), l.y());
            s.setShowInLegend(l.name() != null);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(l.color());
            s.setLineStyle(l.dashed() ? new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                    java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f) : new java.awt.BasicStroke(2f));
        }
        BufferedImage img = new BufferedImage(900, 450, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        c.paint(g, 900, 450);
        g.dispose();
        writePng(file, img);
    }

    /** A confusion matrix heat map: rows = actual class, columns = predicted class, counts in the cells. */
    public static void confusionMatrix(Path file, int[][] counts, List<String> labels, String title) {
        int k = counts.length;
        int cell = 44;
        int margin = 70;
        int size = margin + k * cell + 20;
        BufferedImage img = new BufferedImage(size, size + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("predicted →", margin, margin - 24);
        g.drawString("actual ↓", 4, margin - 8);
        for (int r = 0; r < k; r++) {
            int rowTotal = 0;
            for (int c = 0; c < k; c++) {
                rowTotal += counts[r][c];
            }
            for (int c = 0; c < k; c++) {
                double frac = rowTotal == 0 ? 0 : counts[r][c] / (double) rowTotal;
                int shade = (int) Math.round(255 * (1 - Math.sqrt(frac)));
                g.setColor(r == c ? new Color(shade, shade, 255) : new Color(255, shade, shade));
                g.fillRect(margin + c * cell, margin + r * cell, cell, cell);
                g.setColor(frac > 0.5 ? Color.WHITE : Color.BLACK);
                String s = Integer.toString(counts[r][c]);
                g.drawString(s, margin + c * cell + (cell - g.getFontMetrics().stringWidth(s)) / 2, margin + r * cell + cell / 2 + 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(r), margin - 20, margin + r * cell + cell / 2 + 4);
            g.drawString(labels.get(r), margin + r * cell + cell / 2 - 3, margin - 6);
        }
        g.dispose();
        writePng(file, img);
    }

    /** Writes {@code img} as a PNG, atomically. */
    public static void writePng(Path file, BufferedImage img) {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new java.io.IOException("no PNG writer");
            }
        });
    }
}
