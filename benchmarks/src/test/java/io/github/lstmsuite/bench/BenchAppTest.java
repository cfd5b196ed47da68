package io.github.lstmsuite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.layers.LstmImpl;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The harness runs and reports; no test asserts a speed (the figures live in the README). */
class BenchAppTest {

    @Test
    void measuresACaseInProcess() {
        Cli.Captured run = Cli.captured(() -> BenchApp.runExample("--case", "mnist-row-h64-b64", "--impl", "fast", "--blocks", "1",
                "--block-seconds", "0.1", "--in-process"));
        Cli.Outcome out = run.outcome();
        assertEquals(0, out.exitCode());
        assertTrue(run.out().contains("case=mnist-row-h64-b64 impl=fast"), run.out());
        BenchApp.Measurement m = out.result(BenchApp.Result.class).measurements().get(0);
        assertEquals("mnist-row-h64-b64", m.caseName());
        assertEquals(LstmImpl.fast, m.impl());
        assertTrue(m.trainSamplesPerSecond() > 0 && m.inferSamplesPerSecond() > 0, m.line());
    }

    @Test
    void printedLineReadsBack() {
        BenchApp.Measurement m = new BenchApp.Measurement("char-2x256-s100-b32", LstmImpl.dl4j, 1, 12.5, 40, 3.2, 4.1, 268.3, 700);
        BenchApp.Measurement back = BenchApp.Measurement.parse(m.line());
        assertEquals(m.caseName(), back.caseName());
        assertEquals(m.impl(), back.impl());
        assertEquals(700, back.peakRssMb());
        assertEquals(40, back.inferSamplesPerSecond(), 0.5);
        assertEquals(4.1, back.inferGflops(), 0.05);
        assertEquals(268, back.peakGflops(), 0.5);
        assertTrue(m.line().contains(" train_peak_pct=1 infer_peak_pct=2 "), m.line());
    }

    @Test
    void casesBuildTheirShapes() {
        BenchApp.Case c = BenchApp.CASES.get(4);
        var net = BenchApp.build(c, LstmImpl.fast);
        INDArray x = BenchApp.randomBatches(c, 1).get(0).getFeatures();
        assertEquals(java.util.List.of(32L, 65L, 100L), java.util.Arrays.stream(x.shape()).boxed().toList());
        assertEquals(java.util.List.of(32L, 65L, 100L), java.util.Arrays.stream(net.output(x).shape()).boxed().toList());
        // 13.4 MFLOP per training sample for the MNIST-row h128 model
        assertEquals(13.4e6, BenchApp.CASES.get(2).lstmTrainFlops(true), 0.1e6);
        assertEquals(13.4e6 - 0.80e6, BenchApp.CASES.get(2).lstmTrainFlops(false), 0.02e6);   // no input gradient: 2·28·512·28 fewer
        assertFalse(BenchApp.firstLayerInputGradient(BenchApp.build(BenchApp.CASES.get(2), LstmImpl.fast)));
        assertTrue(BenchApp.firstLayerInputGradient(BenchApp.build(BenchApp.CASES.get(2), LstmImpl.dl4j)));
        // the char model as the app runs it: SoftmaxOutput over character indices [B, 1, T], DL4J's sparse layer for dl4j
        BenchApp.Case sm = BenchApp.CASES.get(5);
        assertEquals("char-2x256-s100-b32-softmax", sm.name());
        var data = BenchApp.randomBatches(sm, 1).get(0);
        assertEquals(java.util.List.of(32L, 1L, 100L), java.util.Arrays.stream(data.getLabels().shape()).boxed().toList());
        var fast = BenchApp.build(sm, LstmImpl.fast);
        assertTrue(fast.getLayerWiseConfigurations().getConf(2).getLayer() instanceof io.github.lstmsuite.layers.SoftmaxOutput);
        var dl4j = BenchApp.build(sm, LstmImpl.dl4j);
        dl4j.setParams(fast.params().dup());
        assertEquals(dl4j.score(data), fast.score(data), 1e-3 * Math.abs(dl4j.score(data)), "the same loss from both output layers");
    }

    @Test
    void unknownCaseIsAUsageError() {
        Cli.Captured run = Cli.captured(() -> BenchApp.runExample("--case", "nope", "--in-process"));
        assertEquals(2, run.outcome().exitCode());
        assertTrue(run.err().startsWith("error: --case: unknown case 'nope'"), run.err());
        assertEquals(1.5, BenchApp.median(new double[]{3, 1, 2, 1}), 1e-12);
    }
}
