package io.github.lstmsuite.common.train;

import java.io.PrintStream;

/**
 * Training progress: on a terminal a live line redrawn in place (epoch, batch, samples/s, ETA,
 * loss); when output goes to a file or a pipe, a plain line every {@code plainEverySeconds}.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean live;
    private final double plainEverySeconds;
    private final String unit;
    private final double unitsPerExample;
    private long lastPrintNanos;
    private int lastLength;

    public Progress(PrintStream out, boolean live, double plainEverySeconds) {
        this(out, live, plainEverySeconds, "samples", 1);
    }

    /**
     * @param unit            what the speed counts, e.g. {@code "samples"} or {@code "characters"}
     * @param unitsPerExample how many of those one training example holds (a char stream of 1,000 steps: 1,000)
     */
    public Progress(PrintStream out, boolean live, double plainEverySeconds, String unit, double unitsPerExample) {
        this.out = out;
        this.live = live;
        this.plainEverySeconds = plainEverySeconds;
        this.unit = unit;
        this.unitsPerExample = unitsPerExample;
    }

    /** Live on a terminal (a console is attached), plain lines every 15 s otherwise. */
    public static Progress forStdout() {
        return forStdout("samples", 1);
    }

    /** As {@link #forStdout()}, the speed counted in {@code unit}s ({@code unitsPerExample} per training example). */
    public static Progress forStdout(String unit, double unitsPerExample) {
        return new Progress(System.out, System.console() != null, 15.0, unit, unitsPerExample);
    }

    /** {@code examplesPerSecond} in this progress's unit, e.g. {@code "9,484 characters/s"}. */
    public String rate(double examplesPerSecond) {
        return String.format("%,.0f %s/s", examplesPerSecond * unitsPerExample, unit);
    }

    /**
     * Reports batch {@code done} of {@code total} in epoch {@code epoch} (1-based) of {@code epochs}.
     *
     * @param etaSeconds estimated seconds left in this epoch
     */
    public void update(int epoch, int epochs, int done, int total, double samplesPerSecond, double etaSeconds,
                       double loss) {
        long now = System.nanoTime();
        boolean last = done == total;
        if (live) {
            if (!last && now - lastPrintNanos < 200_000_000L) {
                return;
            }
            String line = line(epoch, epochs, done, total, rate(samplesPerSecond), etaSeconds, loss, true);
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (lastPrintNanos == 0 || (now - lastPrintNanos) / 1e9 >= plainEverySeconds) {
            out.println(line(epoch, epochs, done, total, rate(samplesPerSecond), etaSeconds, loss, false));
        } else {
            return;
        }
        lastPrintNanos = now;
    }

    /** Ends the live line (if any) and prints {@code message} on its own line. */
    public void println(String message) {
        if (live && lastLength > 0) {
            out.println();
            lastLength = 0;
        }
        out.println(message);
        lastPrintNanos = 0;
    }

    static String line(int epoch, int epochs, int done, int total, String rate, double eta, double loss, boolean bar) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d/%d ", epoch, epochs));
        if (bar) {
            int width = 24;
            int filled = (int) ((long) width * done / Math.max(1, total));
            sb.append('[').append("=".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
        }
        sb.append(String.format("%d/%d  %s", done, total, rate));
        if (done < total && Double.isFinite(eta)) {
            sb.append("  ETA ").append(formatSeconds(eta));
        }
        sb.append(String.format("  loss %.4f", loss));
        return sb.toString();
    }

    /** {@code 83.4} → {@code "1:23"}, {@code 3700} → {@code "1:01:40"}. */
    public static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
