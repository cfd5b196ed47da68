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
     * Learning curves from the per-epoch history: every {@code *loss*} column on the left chart, every
     * other {@code val_*} metric on the right. Written atomically.
     */
    public static void learningCurves(Path file, List<? extends Map<String, Double>> history) {
        if (history.isEmpty()) {
            return;
        }
        List<Double> epochs = new ArrayList<>();
        history.forEach(r -> epochs.add(r.get("epoch")));
        XYChart loss = chart("Loss (per output time step)", "epoch", "loss");
        XYChart other = chart("Validation metrics", "epoch", "value");
        for (String key : history.get(0).keySet()) {
            List<Double> ys = new ArrayList<>();
            history.forEach(r -> ys.add(r.getOrDefault(key, Double.NaN)));
            if (key.contains("loss")) {
                loss.addSeries(key, epochs, ys).setMarker(SeriesMarkers.CIRCLE);
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
        c.getStyler().setXAxisDecimalPattern("0");
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
        XYChart c = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("0");
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

    private static void writePng(Path file, BufferedImage img) {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new java.io.IOException("no PNG writer");
            }
        });
    }
}
