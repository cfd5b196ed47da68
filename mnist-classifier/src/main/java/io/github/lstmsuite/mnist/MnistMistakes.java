package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.report.Charts;
import io.github.lstmsuite.mnist.MnistData.Split;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The test images the model got wrong with the most confidence, drawn in a grid: where to look first. */
final class MnistMistakes {
    private static final int SCALE = 3, CELL = 28 * SCALE, CAPTION = 18, COLS = 4;

    private MnistMistakes() {
    }

    /** One wrong answer: the image's index, its label, the model's answer and that answer's probability. */
    record Mistake(int index, int label, int predicted, double confidence) {
    }

    /** The {@code n} most confident mistakes on {@code split}, most confident first. */
    static List<Mistake> find(MultiLayerNetwork net, Split split, int n) {
        List<Mistake> wrong = new ArrayList<>();
        for (int from = 0; from < split.size(); from += 1000) {
            int to = Math.min(split.size(), from + 1000);
            double[][] p;                                                                     // [n, 10]
            try (INDArray y = net.output(MnistData.slice(split, from, to).getFeatures(), false)) {
                p = DigitClassifier.rows(y);
            }
            for (int i = 0; i < to - from; i++) {
                int pred = DigitClassifier.classification(p[i]).digit();
                if (pred != split.labels()[from + i]) {
                    wrong.add(new Mistake(from + i, split.labels()[from + i], pred, p[i][pred]));
                }
            }
        }
        wrong.sort(Comparator.comparingDouble(Mistake::confidence).reversed());
        return wrong.subList(0, Math.min(n, wrong.size()));
    }

    /** Writes {@code mistakes.png}: the 16 most confident mistakes, each captioned "label → answer (probability)". */
    static List<Mistake> write(Path file, MultiLayerNetwork net, Split split) {
        List<Mistake> m = find(net, split, 16);
        int rows = Math.max(1, (m.size() + COLS - 1) / COLS);
        BufferedImage img = new BufferedImage(COLS * (CELL + 10), rows * (CELL + CAPTION + 10), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k < m.size(); k++) {
            int x0 = (k % COLS) * (CELL + 10) + 5;
            int y0 = (k / COLS) * (CELL + CAPTION + 10) + 5;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int ink = 255 - split.images().pixel(m.get(k).index(), r, c);     // dark digit on white
                    g.setColor(new Color(ink, ink, ink));
                    g.fillRect(x0 + c * SCALE, y0 + r * SCALE, SCALE, SCALE);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format("%d → %d (%.0f%%)", m.get(k).label(), m.get(k).predicted(), 100 * m.get(k).confidence()),
                    x0, y0 + CELL + 14);
        }
        g.dispose();
        Charts.writePng(file, img);
        return m;
    }
}
