package io.github.lstmsuite.basics;

import io.github.lstmsuite.common.cli.Cli;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every number a lesson prints, checked through the same path the command line takes. */
class LessonsTest {
    /** Runs the app exactly as {@code main} does, output captured. */
    private static Cli.Captured run(String... args) {
        return Cli.captured(() -> BasicsApp.runExample(args));
    }

    @Test
    void noLessonListsThemAll() {
        Cli.Captured r = run();
        assertEquals(0, r.outcome().exitCode());
        for (String lesson : new String[] {"shapes", "cell", "weights", "masking", "architectures", "cells", "compare"}) {
            assertTrue(r.out().contains("  " + lesson + " "), lesson);
        }
        assertEquals(2, run("nosuchlesson").outcome().exitCode());
    }

    @Test
    void shapesOfTheSeedExample() {
        Cli.Captured r = run("shapes");
        assertEquals(0, r.outcome().exitCode(), r.err());
        ShapesLesson.Result s = r.outcome().result(ShapesLesson.Result.class);
        assertArrayEquals(new long[] {5, 3, 10}, s.pytorchInput());
        assertArrayEquals(new long[] {3, 10, 5}, s.dl4jInput());
        assertArrayEquals(new long[] {3, 20, 5}, s.output());
        assertArrayEquals(new long[] {2, 3, 20}, s.hN());
        assertArrayEquals(new long[] {2, 3, 20}, s.cN());
        assertArrayEquals(new long[] {3, 40, 5}, s.bidirectionalOutput());
        assertTrue(s.lastOutputIsHn());
        assertTrue(s.initialStateMatters());
        assertTrue(s.chunkedEqualsWhole());
        // 4·20·(10 + 20 + 1) + 4·20·(20 + 20 + 1); PyTorch has one more bias vector per layer
        assertEquals(4 * 20 * 31 + 4 * 20 * 41, s.dl4jParams());
        assertEquals(s.dl4jParams() + 2 * 4 * 20, s.pytorchParams());
        // bidirectional: 2 × (layer 1 with nIn 10) + 2 × (layer 2 with nIn 40)
        assertEquals(2L * 4 * 20 * 31 + 2L * 4 * 20 * 61, s.bidirectionalParams());
        assertTrue(r.out().contains("[3, 20, 5] = [batch, hidden, time]"), r.out());
    }

    @Test
    void oneStepThreeWaysAgreesAndMatchesHandValues() {
        Cli.Captured r = run("cell");
        assertEquals(0, r.outcome().exitCode(), r.err());
        CellLesson.Result c = r.outcome().result(CellLesson.Result.class);
        assertTrue(c.maxDifference() < 1e-6, "three ways differ by " + c.maxDifference());
        assertNotNull(c.seedError(), "the article's 4-row W_ih must be refused for hidden size 2");
        // unit 1 by hand: gates = W·x + W_hh·h + b_ih + b_hh with the article's first rows
        //   i: 0.1·0.5 + 0.2·(−0.2) + 0.3·0.1 + 0.1·0.3 + 0.2·(−0.4) + 0.01 + 0.05 = 0.05
        assertEquals(0.05, c.plain().preactivations()[0], 1e-12);
        //   f: 0.4·0.5 − 0.5·0.2 + 0.6·0.1 + 0.3·0.3 − 0.4·0.4 + 0.02 + 0.06 = 0.17
        assertEquals(0.17, c.plain().preactivations()[2], 1e-12);
        double i = 1 / (1 + Math.exp(-0.05));
        double f = 1 / (1 + Math.exp(-0.17));
        double g = Math.tanh(0.29);
        double o = 1 / (1 + Math.exp(-0.41));
        double cNew = f * 0.8 + i * g;
        assertEquals(cNew, c.plain().c()[0], 1e-12);
        assertEquals(o * Math.tanh(cNew), c.plain().h()[0], 1e-12);
        assertEquals(0.313517, c.dl4jH()[0], 1e-6);
        assertTrue(r.out().contains("forget gate f = σ(·)     [0.542398, 0.579324]"), r.out());
    }

    @Test
    void weightMappingRoundTrips() {
        Cli.Captured r = run("weights");
        assertEquals(0, r.outcome().exitCode(), r.err());
        WeightsLesson.Result w = r.outcome().result(WeightsLesson.Result.class);
        assertTrue(w.maxOutputDifference() < 1e-12, "outputs differ by " + w.maxOutputDifference());
        assertTrue(w.maxRoundTripDifference() < 1e-15);
        assertArrayEquals(new long[] {5, 16}, w.w());
        assertArrayEquals(new long[] {4, 16}, w.rw());
    }

    @Test
    void maskedPaddingChangesNothing() {
        Cli.Captured r = run("masking");
        assertEquals(0, r.outcome().exitCode(), r.err());
        MaskingLesson.Result m = r.outcome().result(MaskingLesson.Result.class);
        assertEquals(0.0, m.maxOutputDifference(), 1e-12);
        assertEquals(0.0, m.paddedOutputMaxAbs(), 0.0);
        assertEquals(m.separateLoss(), m.batchLoss(), 1e-12);
        assertEquals(0.0, m.lastStepDifferenceMasked(), 1e-12);
        assertTrue(m.lastStepDifferenceUnmasked() > 1e-3, "without the mask the padding must show");
    }

    @Test
    void architectureShapes() {
        Cli.Captured r = run("architectures");
        assertEquals(0, r.outcome().exitCode(), r.err());
        var s = r.outcome().result(ArchitecturesLesson.Result.class).shapes();
        assertArrayEquals(new long[] {2, 3}, s.get("one-to-one")[1]);
        assertArrayEquals(new long[] {2, 3}, s.get("many-to-one")[1]);
        assertArrayEquals(new long[] {2, 3, 6}, s.get("many-to-many")[1]);
        assertArrayEquals(new long[] {2, 4, 1}, s.get("one-to-many")[0]);
        assertArrayEquals(new long[] {2, 4, 6}, s.get("one-to-many")[1]);
        assertArrayEquals(new long[] {2, 3, 4}, s.get("encoder-decoder")[1]);
    }

    @Test
    void cellsPassGradientChecks() {
        Cli.Captured r = run("cells");
        assertEquals(0, r.outcome().exitCode(), r.err());
        CellsLesson.Result c = r.outcome().result(CellsLesson.Result.class);
        for (var e : c.gradientCheck().entrySet()) {
            assertTrue(e.getValue(), e.getKey() + " failed DL4J's gradient check");
        }
        assertEquals(4, c.gradientCheck().size());
        assertEquals(23_808L, c.params().get(io.github.lstmsuite.layers.CellType.lstm));
        assertEquals(3L * 64 * (28 + 64 + 1) + 64, c.params().get(io.github.lstmsuite.layers.CellType.gru));
    }

    @Test
    void compareRunsEveryCellWithinTheBudget(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Cli.Captured r = run("compare", "--quick", "--tasks", "mnist", "--output-dir", dir.toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        var rows = r.outcome().result(CompareLesson.Result.class).rows();
        assertEquals(4, rows.size());
        long budget = rows.get(0).recurrentParams();
        assertEquals(23_808L, budget);
        for (CompareLesson.Row row : rows) {
            // within one unit's worth of parameters of the LSTM's budget
            assertTrue(Math.abs(row.recurrentParams() - budget) <= row.cell().blocks * (28 + 2L * row.hidden() + 2),
                    row.toString());
            assertTrue(row.metric() > 0.2, "a quick run still learns something: " + row);
        }
        assertEquals(2, run("compare", "--tasks", "sound").outcome().exitCode());
    }
}
