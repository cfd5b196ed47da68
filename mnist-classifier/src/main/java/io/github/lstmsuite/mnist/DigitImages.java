package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns a photo or scan of a digit (PNG, JPEG, any size) into an MNIST-like 28×28 image, the way the
 * MNIST images themselves were made:
 * <ol>
 *   <li>greyscale (luma 0.299 R + 0.587 G + 0.114 B; transparent pixels count as background);</li>
 *   <li>ink must be bright on dark: if the border is mostly light (a white page), invert;</li>
 *   <li>the paper's level (the median of the border pixels) is subtracted, so grey paper becomes 0 as MNIST's background is;</li>
 *   <li>crop to the bounding box of the ink (pixels above 25% of the brightest);</li>
 *   <li>scale so the longer side is 20 pixels, keeping the aspect ratio (halving by 2×2 averages while more than
 *       twice too large, then bilinear);</li>
 *   <li>paste into 28×28 so that the centre of mass of the ink sits at the centre (14, 14).</li>
 * </ol>
 */
public final class DigitImages {
    private DigitImages() {
    }

    /** What preprocessing did to one file (reported with the prediction). */
    public record Prepared(byte[] pixels, boolean inverted, int originalWidth, int originalHeight) {
    }

    /** Reads and prepares {@code file}: 784 pixels, row-major, 0 = background, 255 = ink. */
    public static Prepared read(Path file) {
        BufferedImage img;
        try {
            if (!Files.isRegularFile(file)) {
                throw new UserException(file + ": no such file");
            }
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserException(file + ": cannot read the image (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new UserException(file + ": not a PNG, JPEG, GIF or BMP image, nor an IDX file");
        }
        return prepare(img);
    }

    /** Prepares an image already in memory. */
    public static Prepared prepare(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double[][] grey = new double[h][w];
        boolean alpha = img.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                double a = alpha ? ((argb >>> 24) & 0xff) / 255.0 : 1.0;
                double luma = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
                grey[y][x] = a * luma + (1 - a) * borderGuess(alpha);
            }
        }
        double[] edge = new double[2 * w + 2 * h];           // the border's pixels: they tell paper from ink
        int e = 0;
        for (int x = 0; x < w; x++) {
            edge[e++] = grey[0][x];
            edge[e++] = grey[h - 1][x];
        }
        for (int y = 0; y < h; y++) {
            edge[e++] = grey[y][0];
            edge[e++] = grey[y][w - 1];
        }
        boolean invert = java.util.Arrays.stream(edge).average().orElse(0) > 127.5;
        java.util.Arrays.sort(edge);
        // the paper's level, the border's median after any inversion: grey paper is not ink (MNIST's background is 0)
        double paper = invert ? 255 - edge[edge.length - 1 - edge.length / 2] : edge[edge.length / 2];
        double max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = invert ? 255 - grey[y][x] : grey[y][x];
                grey[y][x] = Math.max(0, v - paper);
                max = Math.max(max, grey[y][x]);
            }
        }
        byte[] out = new byte[28 * 28];
        if (max <= 0) {
            return new Prepared(out, invert, w, h);  // blank image: nothing to centre
        }
        // bounding box of the ink
        double threshold = 0.25 * max;
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey[y][x] > threshold) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        double scale = 20.0 / Math.max(bw, bh);
        int sw = Math.max(1, (int) Math.round(bw * scale));
        int sh = Math.max(1, (int) Math.round(bh * scale));
        BufferedImage crop = new BufferedImage(bw, bh, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                int v = (int) Math.round(Math.min(255, grey[y0 + y][x0 + x] * 255.0 / max));
                crop.getRaster().setSample(x, y, 0, v);
            }
        }
        // halve (averaging 2×2 pixels) while more than twice too large, then bilinear: one bilinear step from a large
        // photo would sample only 4 of the many pixels under each output pixel and lose thin strokes
        while (crop.getWidth() >= 2 * sw && crop.getHeight() >= 2 * sh) {
            crop = resize(crop, crop.getWidth() / 2, crop.getHeight() / 2);
        }
        BufferedImage small = resize(crop, sw, sh);
        // centre of mass of the scaled digit
        double mass = 0, cx = 0, cy = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                double v = small.getRaster().getSample(x, y, 0);
                mass += v;
                cx += v * x;
                cy += v * y;
            }
        }
        int offX = (int) Math.round(14 - (mass > 0 ? cx / mass : sw / 2.0) - 0.5);
        int offY = (int) Math.round(14 - (mass > 0 ? cy / mass : sh / 2.0) - 0.5);
        offX = Math.max(0, Math.min(28 - sw, offX));
        offY = Math.max(0, Math.min(28 - sh, offY));
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                out[(offY + y) * 28 + offX + x] = (byte) small.getRaster().getSample(x, y, 0);
            }
        }
        return new Prepared(out, invert, w, h);
    }

    private static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = dst.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return dst;
    }

    private static double borderGuess(boolean alpha) {
        return 255;  // transparent = white paper: the inversion step then turns it into background
    }
}
