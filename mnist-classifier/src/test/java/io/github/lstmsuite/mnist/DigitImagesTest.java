package io.github.lstmsuite.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** A photo of a digit becomes an MNIST-like image: light ink on black, 20 px box, centred by mass. */
class DigitImagesTest {
    private static BufferedImage page(Color paper, Color ink) {
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(paper);
        g.fillRect(0, 0, 300, 200);
        g.setColor(ink);
        g.fillRect(20, 30, 40, 100);     // a tall bar near the top-left corner: 40 × 100 px
        g.dispose();
        return img;
    }

    @Test
    void darkInkOnWhitePaperIsInvertedScaledAndCentred() {
        DigitImages.Prepared p = DigitImages.prepare(page(Color.WHITE, Color.BLACK));
        assertTrue(p.inverted());
        int minR = 28, maxR = -1, minC = 28, maxC = -1;
        double mass = 0, cr = 0, cc = 0;
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                int v = p.pixels()[r * 28 + c] & 0xff;
                if (v > 0) {
                    minR = Math.min(minR, r);
                    maxR = Math.max(maxR, r);
                    minC = Math.min(minC, c);
                    maxC = Math.max(maxC, c);
                }
                mass += v;
                cr += v * r;
                cc += v * c;
            }
        }
        assertEquals(20, maxR - minR + 1, "the longer side is scaled to 20 px");
        assertEquals(8, maxC - minC + 1, "aspect ratio kept: 40/100 of 20 px");
        assertEquals(13.5, cr / mass, 1.0, "centre of mass at the centre (row)");
        assertEquals(13.5, cc / mass, 1.0, "centre of mass at the centre (column)");
        assertEquals(255, p.pixels()[14 * 28 + 14] & 0xff, "ink is bright");
        assertEquals(0, p.pixels()[0] & 0xff, "background is black");
    }

    @Test
    void greyPaperBecomesBlackBackgroundAndTheCropIsTheInkNotThePage() {
        DigitImages.Prepared p = DigitImages.prepare(page(new Color(190, 190, 190), new Color(60, 60, 60)));
        assertTrue(p.inverted());
        int lit = 0;
        for (byte b : p.pixels()) {
            lit += (b & 0xff) > 0 ? 1 : 0;
        }
        assertEquals(0, p.pixels()[0] & 0xff, "the paper's level is removed");
        assertEquals(255, p.pixels()[14 * 28 + 14] & 0xff, "ink is bright");
        assertTrue(lit <= 9 * 20, "only the 8 × 20 bar (and its anti-aliased edge) is lit, not the page: " + lit);
    }

    @Test
    void aLargePhotoKeepsAThinStroke() {
        // a 2 px wide stroke on a 1,000 px tall page: scaled down 50 times, it must not vanish between sampled pixels
        BufferedImage img = new BufferedImage(600, 1000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 600, 1000);
        g.setColor(Color.BLACK);
        g.fillRect(100, 10, 400, 2);      // a thin horizontal line (the top of a 7)
        g.fillRect(480, 10, 20, 980);     // and its stem
        g.dispose();
        DigitImages.Prepared p = DigitImages.prepare(img);
        int row = -1;
        for (int r = 0; r < 28 && row < 0; r++) {
            for (int c = 0; c < 20; c++) {
                if ((p.pixels()[r * 28 + c] & 0xff) > 0) {
                    row = r;
                }
            }
        }
        assertTrue(row >= 0, "the thin line survives the scaling");
    }

    @Test
    void lightInkOnBlackIsNotInverted() {
        DigitImages.Prepared p = DigitImages.prepare(page(Color.BLACK, Color.WHITE));
        assertFalse(p.inverted());
        assertEquals(255, p.pixels()[14 * 28 + 14] & 0xff);
    }

    @Test
    void aBlankImageGivesABlankDigit() {
        DigitImages.Prepared p = DigitImages.prepare(new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB));
        for (byte b : p.pixels()) {
            assertEquals(0, b);
        }
    }
}
