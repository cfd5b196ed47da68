package demo;

import io.github.lstmsuite.mnist.DigitClassifier;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A project that uses the suite as a library would: its only dependency is mnist-classifier. It draws a "1" and a "7"
 * as PNGs, as a user's images would come, and classifies them with a trained model:
 * {@code java demo.Main MODEL.zip DIR}.
 */
public class Main {
    public static void main(String[] args) throws Exception {
        DigitClassifier classifier = DigitClassifier.load(Path.of(args[0]));
        for (String digit : new String[] {"1", "7"}) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, 28, 28);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(3f));
            if (digit.equals("1")) {
                g.drawLine(14, 4, 14, 23);
            } else {
                g.drawLine(8, 6, 20, 6);
                g.drawLine(20, 6, 12, 23);
            }
            g.dispose();
            File png = new File(args[1], digit + ".png");
            ImageIO.write(img, "png", png);
            System.out.println("drawn " + digit + ": " + classifier.classify(png.toPath()));
        }
    }
}
