package io.github.lstmsuite.basics;

import io.github.lstmsuite.chars.CharApp;
import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.mnist.MnistApp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lesson 7, “nn.LSTM() parameters explained”, “LSTM principles, a digest”: the four cells on two tasks with the same parameter budget and seed, through
 * the apps' own training commands ({@code --cell C --hidden H}):
 * <ul>
 *   <li>MNIST read row by row (mnist-classifier's default: one layer, one epoch); budget = the LSTM with
 *       H = 64, 23,808 recurrent parameters; test accuracy.</li>
 *   <li>Tiny Shakespeare (char-generator; one layer over a 32-wide embedding; the first 200,000 characters,
 *       5 epochs of 56 mini-batches of 32 × 100 characters); budget = the LSTM with H = 128, 82,432 recurrent
 *       parameters; validation loss per character.</li>
 * </ul>
 * Each other cell gets the H whose parameter count is closest to the budget (GRU 3 blocks, JANET 2,
 * Elman 1). Time is not comparable across cells: the LSTM runs the suite's fused {@code FastLstm}, the
 * others plain ND4J operations.
 */
public final class CompareLesson {
    static final int MNIST_LSTM_HIDDEN = 64, CHAR_LSTM_HIDDEN = 128, CHAR_EMBEDDING = 32, CHAR_LIMIT = 200_000, CHAR_EPOCHS = 5;

    private CompareLesson() {
    }

    /** One run: the task, the cell, its size, the metric (accuracy or nats/char) and the times. */
    public record Row(String task, CellType cell, int hidden, long recurrentParams, double metric, double trainSeconds) {
    }

    public record Result(List<Row> rows) {
    }

    public static Result run(PrintStream out, Path dir, long seed, boolean quick, List<String> tasks) {
        List<Row> rows = new ArrayList<>();
        if (tasks.contains("mnist")) {
            long budget = CellType.lstm.params(28, MNIST_LSTM_HIDDEN);
            for (CellType c : CellType.values()) {
                int h = c.hiddenForBudget(28, budget);
                List<String> args = new ArrayList<>(List.of("train", "--cell", c.name(), "--hidden", Integer.toString(h),
                        "--seed", Long.toString(seed), "--output-dir", dir.resolve("mnist-" + c).toString()));
                if (quick) {
                    args.add("--quick");
                }
                out.printf("%n==== mnist, %s, H = %d (%,d recurrent parameters; budget %,d)%n", c, h, c.params(28, h), budget);
                Cli.Outcome o = MnistApp.runExample(args.toArray(String[]::new));
                MnistApp.TrainResult r = check(o, "mnist", c).result(MnistApp.TrainResult.class);
                rows.add(new Row("mnist", c, h, c.params(28, h), r.testAccuracy(), r.state().trainSeconds));
            }
        }
        if (tasks.contains("chars")) {
            long budget = CellType.lstm.params(CHAR_EMBEDDING, CHAR_LSTM_HIDDEN);
            for (CellType c : CellType.values()) {
                int h = c.hiddenForBudget(CHAR_EMBEDDING, budget);
                List<String> args = new ArrayList<>(List.of("train", "--cell", c.name(), "--hidden", Integer.toString(h),
                        "--layers", "1", "--embedding", Integer.toString(CHAR_EMBEDDING),
                        "--epochs", Integer.toString(quick ? 1 : CHAR_EPOCHS), "--window", "100",
                        "--max-chars", Integer.toString(quick ? 20_000 : CHAR_LIMIT), "--sample-length", "100",
                        "--seed", Long.toString(seed), "--output-dir", dir.resolve("chars-" + c).toString()));
                out.printf("%n==== chars, %s, H = %d (%,d recurrent parameters; budget %,d)%n", c, h,
                        c.params(CHAR_EMBEDDING, h), budget);
                Cli.Outcome o = CharApp.runExample(args.toArray(String[]::new));
                CharApp.TrainResult r = check(o, "chars", c).result(CharApp.TrainResult.class);
                rows.add(new Row("chars", c, h, c.params(CHAR_EMBEDDING, h), r.validation().natsPerToken(), r.state().trainSeconds));
            }
        }
        out.printf("%n%-6s %-6s %5s %12s %22s %10s%n", "task", "cell", "H", "rec. params", "metric", "training");
        for (Row r : rows) {
            out.printf("%-6s %-6s %5d %,12d %22s %9.0fs%n", r.task(), r.cell(), r.hidden(), r.recurrentParams(),
                    r.task().equals("mnist") ? String.format("test accuracy %.4f", r.metric())
                            : String.format("val %.4f nats/char", r.metric()), r.trainSeconds());
        }
        return new Result(rows);
    }

    private static Cli.Outcome check(Cli.Outcome o, String task, CellType c) {
        if (o.exitCode() != 0 || o.result() == null) {
            throw new UserException("compare: the " + task + " run with --cell " + c + " failed (exit code " + o.exitCode() + ")");
        }
        return o;
    }
}
