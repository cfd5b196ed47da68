package io.github.lstmsuite.common.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model zip written by version 0.1.0, when the layers lived in {@code common}'s {@code nn} package: a graph with every
 * configuration class a zip can name (FastLstm, Gru, Janet, FastEmbedding, FastLastTimeStep, SoftmaxOutput,
 * DenseSoftmaxOutput, DotAttention, MergeFeatures, ReverseSteps, LastStep, FastDropout, FastAdam), trained three steps
 * and saved with its updater state, beside its inputs and outputs. It still loads, gives the same outputs, trains on and
 * round-trips.
 */
class LegacyModelZipTest {
    private static File resource(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        try (InputStream in = LegacyModelZipTest.class.getResourceAsStream("/legacy-0.1.0/" + name)) {
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p.toFile();
    }

    @Test
    void aZipFromVersion010LoadsAndComputesAsBefore(@TempDir Path dir) throws Exception {
        ComputationGraph g = ModelSerializer.restoreComputationGraph(resource(dir, "model-0.1.0.zip"), true);
        // the old names load as their deprecated subclasses of the moved classes
        var lstm = ((LayerVertex) g.getConfiguration().getVertices().get("lstm")).getLayerConf().getLayer();
        assertInstanceOf(io.github.lstmsuite.layers.FastLstm.class, lstm);
        assertInstanceOf(io.github.lstmsuite.layers.FastAdam.class, lstm.getUpdaterByParam("W"));

        INDArray tok = Nd4j.readBinary(resource(dir, "tok.bin"));
        INDArray x = Nd4j.readBinary(resource(dir, "x.bin"));
        INDArray[] out = g.output(tok, x);
        assertEquals(3, out.length);
        for (int i = 0; i < out.length; i++) {
            INDArray expected = Nd4j.readBinary(resource(dir, "out" + i + ".bin"));
            assertArrayEquals(expected.shape(), out[i].shape());
            // the same CPU kind gives the same bits; another ISA's BLAS may round the last bit differently
            assertTrue(expected.equalsWithEps(out[i], 1e-5), "output " + i + ": " + out[i] + " vs " + expected);
        }

        // it trains on from its saved updater state, and a zip written now loads back to the same outputs
        INDArray steps = Nd4j.createFromArray(new float[][][] {{{0, 1, 2, 3, 4, 0}}, {{1, 2, 3, 4, 0, 1}}});  // [2, 1, 6] class ids
        g.fit(new INDArray[] {tok, x}, new INDArray[] {steps, Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}}),
                Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}})});
        INDArray[] before = out;
        assertTrue(!before[0].equalsWithEps(g.output(tok, x)[0], 1e-7), "a training step changes the outputs");
        File again = dir.resolve("again.zip").toFile();
        ModelSerializer.writeModel(g, again, true);
        ComputationGraph h = ModelSerializer.restoreComputationGraph(again, true);
        INDArray[] a = g.output(tok, x), b = h.output(tok, x);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i]);
    }
}
