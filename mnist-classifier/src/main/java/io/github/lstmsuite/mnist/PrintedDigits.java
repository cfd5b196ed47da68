package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.data.IdxReader;
import io.github.lstmsuite.common.report.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Printed digits as an out-of-distribution test of a model trained on handwriting: each digit drawn from
 * font files (TrueType or OpenType) in several sizes, stroke weights, small rotations and offsets, dark ink on
 * grey-to-white paper, one {@value #SIZE}×{@value #SIZE} page each — raw, as a scan would give them, not yet
 * MNIST-like. Written as an IDX pair; {@code ./lstm mnist evaluate --images … --labels …} prepares every page exactly
 * as {@code predict} prepares a user's image ({@link DigitImages#prepare}) before the model sees it, so the set
 * tests the preprocessing and the model together. The suite ships one such set in {@code data/printed-digits/}
 * (its SOURCE.md names the fonts).
 */
@Command(name = "render-digits", mixinStandardHelpOptions = true,
        description = "Render printed digits from font files (several sizes, weights, rotations, offsets), prepared as "
                + "predict prepares an image, into an IDX pair for evaluate --images/--labels.")
final class PrintedDigits implements Callable<PrintedDigits.Result> {
    /** The side of each rendered page, in pixels. */
    static final int SIZE = 64;

    /** Symbol and dingbat fonts, whose code points 0–9 are not digits. */
    private static final Pattern NOT_DIGITS = Pattern.compile("(?i).*(symbol|dingbat|d050000l).*");

    @Option(names = "--fonts", paramLabel = "DIR", split = ",", defaultValue = "/usr/share/fonts",
            description = "Folders searched for .ttf and .otf files (default: /usr/share/fonts).")
    List<Path> fontDirs;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Where images-idx3-ubyte.gz, labels-idx1-ubyte.gz and fonts.txt go.")
    Path out;

    @Option(names = "--per-font", paramLabel = "N", defaultValue = "5", description = "Renderings of each digit per font (default: 5).")
    int perFont;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the sizes, weights, angles and offsets (default: 1).")
    long seed;

    /** What {@code render-digits} returns: the files, the fonts used and the number of images. */
    record Result(Path images, Path labels, List<String> fonts, int count) {
    }

    /** One rendering's parameters: font size in pixels (16–60), extra stroke width as a share of it, angle (±12°), ink and paper grey. */
    record Style(float size, float boldness, double degrees, int ink, int paper) {
        static Style draw(Random rnd) {
            return new Style(16 + rnd.nextInt(45), new float[] {0f, 0f, 0.03f, 0.06f}[rnd.nextInt(4)],
                    (rnd.nextDouble() * 2 - 1) * 12, rnd.nextInt(80), 180 + rnd.nextInt(76));
        }
    }

    @Override
    public Result call() throws IOException {
        if (perFont < 1 || perFont > 1000) {
            throw new UserException("--per-font must be between 1 and 1000, got " + perFont);
        }
        List<Path> files = fontFiles(fontDirs);
        List<Font> fonts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            Font font = load(f);
            if (font != null) {
                fonts.add(font);
                names.add(f.getFileName() + "\t" + font.getFontName());
            }
        }
        if (fonts.isEmpty()) {
            throw new UserException("no usable .ttf or .otf font under " + fontDirs + " (on Debian: apt-get install fonts-dejavu-core)");
        }
        Random rnd = new Random(seed);
        int n = fonts.size() * 10 * perFont;
        byte[] pixels = new byte[n * SIZE * SIZE];
        byte[] labels = new byte[n];
        int i = 0;
        for (Font font : fonts) {
            for (int k = 0; k < perFont; k++) {
                for (int digit = 0; digit < 10; digit++) {
                    BufferedImage img = render(font, digit, Style.draw(rnd), rnd);
                    byte[] page = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();   // row-major
                    System.arraycopy(page, 0, pixels, i * SIZE * SIZE, SIZE * SIZE);
                    labels[i++] = (byte) digit;
                }
            }
        }
        Files.createDirectories(out);
        Path imagesFile = out.resolve("images-idx3-ubyte.gz");
        Path labelsFile = out.resolve("labels-idx1-ubyte.gz");
        writeIdx(imagesFile, IdxReader.IMAGES_MAGIC, new int[] {n, SIZE, SIZE}, pixels);
        writeIdx(labelsFile, IdxReader.LABELS_MAGIC, new int[] {n}, labels);
        AtomicFiles.writeString(out.resolve("fonts.txt"), String.join("\n", names) + "\n");
        System.out.printf("%,d images (%d fonts × 10 digits × %d) → %s, %s%n", n, fonts.size(), perFont, imagesFile, labelsFile);
        return new Result(imagesFile, labelsFile, names, n);
    }

    /** The .ttf and .otf files under {@code dirs}, sorted by path (the set is the same for the same fonts). */
    static List<Path> fontFiles(List<Path> dirs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new UserException("--fonts: " + d + " is not a folder");
            }
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile).filter(p -> p.toString().matches("(?i).*\\.(ttf|otf)$"))
                        .filter(p -> !NOT_DIGITS.matcher(p.getFileName().toString()).matches()).forEach(files::add);
            }
        }
        files.sort(null);
        return files;
    }

    /** The font in {@code file}, or null when Java cannot read it or it has no glyphs for 0–9. */
    private static Font load(Path file) {
        try {
            Font f = Font.createFont(Font.TRUETYPE_FONT, file.toFile());
            return f.canDisplayUpTo("0123456789") == -1 && !NOT_DIGITS.matcher(f.getFontName()).matches() ? f : null;
        } catch (FontFormatException | IOException e) {
            return null;
        }
    }

    /**
     * One digit on a {@value #SIZE}×{@value #SIZE} page: its outline rotated about its centre, filled (and stroked for a
     * bolder weight), at a random place that keeps it whole (a glyph too large for the page is drawn smaller).
     */
    static BufferedImage render(Font font, int digit, Style s, Random rnd) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        float size = s.size();
        Shape shape;
        Rectangle2D r;
        float stroke;
        while (true) {
            Shape glyph = font.deriveFont(size).createGlyphVector(frc, Integer.toString(digit)).getOutline();
            Rectangle2D b = glyph.getBounds2D();
            shape = AffineTransform.getRotateInstance(Math.toRadians(s.degrees()), b.getCenterX(), b.getCenterY())
                    .createTransformedShape(glyph);
            r = shape.getBounds2D();
            stroke = s.boldness() * size;
            if (Math.max(r.getWidth(), r.getHeight()) + stroke + 4 <= SIZE || size < 4) {
                break;
            }
            size *= 0.9f;
        }
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(s.paper(), s.paper(), s.paper()));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        double pad = stroke / 2 + 2;
        double dx = pad - r.getX() + rnd.nextDouble() * Math.max(0, SIZE - r.getWidth() - 2 * pad);
        double dy = pad - r.getY() + rnd.nextDouble() * Math.max(0, SIZE - r.getHeight() - 2 * pad);
        g.translate(dx, dy);
        g.setColor(new Color(s.ink(), s.ink(), s.ink()));
        g.fill(shape);
        if (stroke > 0) {
            g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(shape);
        }
        g.dispose();
        return img;
    }

    /** An IDX file, gzip-compressed, written to a temporary file and renamed. */
    static void writeIdx(Path file, int magic, int[] dims, byte[] data) {
        AtomicFiles.write(file, tmp -> {
            try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(tmp)))) {
                o.writeInt(magic);           // big-endian, as the IDX format wants
                for (int d : dims) {
                    o.writeInt(d);
                }
                o.write(data);
            }
        });
    }
}
