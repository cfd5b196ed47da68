package io.github.lstmsuite.basics;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm basics}: the lessons of the articles this suite follows on how an LSTM takes input and gives output, each a
 * command that computes and prints the answer (and a test that checks the numbers it prints).
 * Without a lesson name it lists them.
 */
@Command(name = "basics", mixinStandardHelpOptions = true, version = "lstm-suite basics 0.1.0",
        description = "How an LSTM takes input and gives output, lesson by lesson.",
        subcommands = {BasicsApp.Shapes.class, BasicsApp.Cell.class, BasicsApp.Weights.class, BasicsApp.Masking.class,
                BasicsApp.Architectures.class, BasicsApp.Cells.class, BasicsApp.Compare.class})
public final class BasicsApp implements Callable<String> {
    static final String LESSONS = """
            lessons (./lstm basics <lesson>):
              shapes         nn.LSTM's parameters and shapes in DL4J: the article's (5, 3, 10) input, LSTM(10, 20, 2), h0/c0, h_n/c_n, bidirectional
              cell           one LSTM step three ways (plain Java, ND4J, DL4J's layer) on “Recurrent neural networks, chapter 5”'s numbers, every gate printed
              weights        PyTorch/TensorFlow ↔ DL4J weights: transposes, gate order, two biases vs one, forget_bias
              masking        a padded batch of different lengths: masked steps change nothing (PyTorch's pack_padded_sequence)
              architectures  one-to-one, many-to-one, one-to-many, many-to-many, encoder–decoder, with real shapes
              cells          the recurrent cells DL4J lacks (GRU, JANET) as real layers, next to the LSTM and the Elman RNN
              compare        the four cells on MNIST rows and on Shakespeare with the same parameter budget (the longest lesson)
            """;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the app as the command line does. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.run(new BasicsApp(), args);
    }

    @Override
    public String call() {
        System.out.print(LESSONS);
        return LESSONS;
    }

    /** Every lesson is computed in one thread: the numbers are tiny, and the printout stays deterministic. */
    private static void setup() {
        NativeSetup.apply(1);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(42);
    }

    @Command(name = "shapes", mixinStandardHelpOptions = true, description = "nn.LSTM's parameters and the article's shapes, run in DL4J.")
    static final class Shapes implements Callable<ShapesLesson.Result> {
        @Override
        public ShapesLesson.Result call() {
            setup();
            return ShapesLesson.run(System.out);
        }
    }

    @Command(name = "cell", mixinStandardHelpOptions = true, description = "One LSTM step three ways, every gate printed.")
    static final class Cell implements Callable<CellLesson.Result> {
        @Override
        public CellLesson.Result call() {
            setup();
            return CellLesson.run(System.out);
        }
    }

    @Command(name = "weights", mixinStandardHelpOptions = true, description = "PyTorch/TensorFlow ↔ DL4J LSTM weights.")
    static final class Weights implements Callable<WeightsLesson.Result> {
        @Override
        public WeightsLesson.Result call() {
            setup();
            return WeightsLesson.run(System.out);
        }
    }

    @Command(name = "masking", mixinStandardHelpOptions = true, description = "Padding and masks in a batch of different lengths.")
    static final class Masking implements Callable<MaskingLesson.Result> {
        @Override
        public MaskingLesson.Result call() {
            setup();
            return MaskingLesson.run(System.out);
        }
    }

    @Command(name = "cells", mixinStandardHelpOptions = true, description = "GRU, JANET, Elman and LSTM: equations, parameters, gradient checks.")
    static final class Cells implements Callable<CellsLesson.Result> {
        @Override
        public CellsLesson.Result call() {
            setup();
            return CellsLesson.run(System.out);
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Each cell on MNIST-by-rows and on the char model, same parameter budget and seed.")
    static final class Compare implements Callable<CompareLesson.Result> {
        @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "runs/basics-compare", description = "Where the runs go (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path dir;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "The seed of every run (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--tasks", paramLabel = "T,…", split = ",", defaultValue = "mnist,chars", description = "mnist, chars or both (default).")
        java.util.List<String> tasks;

        @Option(names = "--quick", description = "Tiny runs (a smoke test of the experiment, not a result).")
        boolean quick;

        @Override
        public CompareLesson.Result call() {
            for (String t : tasks) {
                if (!t.equals("mnist") && !t.equals("chars")) {
                    throw new io.github.lstmsuite.common.UserException("--tasks: unknown task '" + t + "' (expected mnist, chars)");
                }
            }
            return CompareLesson.run(System.out, dir, seed, quick, tasks);
        }
    }

    @Command(name = "architectures", mixinStandardHelpOptions = true, description = "The shapes of recurrent models, with real shapes.")
    static final class Architectures implements Callable<ArchitecturesLesson.Result> {
        @Override
        public ArchitecturesLesson.Result call() {
            setup();
            return ArchitecturesLesson.run(System.out);
        }
    }
}
