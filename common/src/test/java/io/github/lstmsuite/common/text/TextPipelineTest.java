package io.github.lstmsuite.common.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class TextPipelineTest {

    @Test
    void vocabularyRoundTrips() {
        CharVocabulary v = CharVocabulary.of("hello, wörld\n");
        assertEquals(11, v.size());                         // h e l o , space w ö r d \n
        assertEquals("\n ,dehlorwö", v.serialize());        // sorted by code point
        int[] idx = v.encode("world", CharVocabulary.Unknown.error, "test");
        assertEquals("world", v.decode(idx));
        assertEquals(v.serialize(), CharVocabulary.parse(v.serialize()).serialize());
        UserException e = assertThrows(UserException.class, () -> v.encode("xyz", CharVocabulary.Unknown.error, "--prime"));
        assertTrue(e.getMessage().startsWith("--prime: the character 'x' (U+0078) is not in"), e.getMessage());
        assertEquals("o", v.decode(v.encode("xoz", CharVocabulary.Unknown.skip, "--prime")));
    }

    @Test
    void corpusErrorsNameTheFileAndTheByteOffset(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[]{'a', 'b', (byte) 0xC3, 'c'});
        assertEquals(bad + ": not valid UTF-8 at byte offset 2; expected UTF-8 text",
                assertThrows(UserException.class, () -> TextCorpus.read(bad)).getMessage());
        Path bin = dir.resolve("bin.txt");
        Files.write(bin, new byte[]{'a', 'b', 'c', 0, 'd'});
        assertTrue(assertThrows(UserException.class, () -> TextCorpus.read(bin)).getMessage().contains("NUL byte) at byte offset 3"));
        Path empty = dir.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(UserException.class, () -> TextCorpus.read(empty)).getMessage().contains("empty"));
        Path folder = Files.createDirectory(dir.resolve("books"));
        Files.writeString(folder.resolve("b.txt"), "second", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("a.txt"), "first ", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("notes.md"), "ignored", StandardCharsets.UTF_8);
        assertEquals("first second", TextCorpus.read(folder));
    }

    @Test
    void streamBatchesAreShiftedByOneAndContinueAcrossBatches() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 7;
        }
        StreamBatches b = new StreamBatches(tokens, 7, 4, 20, 10, false, false, 3);
        int streamLength = (1000 - 20) / 4;
        assertEquals(streamLength / 20, b.batchesPerEpoch());
        DataSet d0 = b.batch(0, 0), d1 = b.batch(0, 1);
        assertArrayEquals(new long[]{4, 1, 20}, d0.getFeatures().shape());
        assertArrayEquals(new long[]{4, 7, 20}, d0.getLabels().shape());
        int off = b.epochOffset(0);
        for (int s = 0; s < 4; s++) {
            for (int t = 0; t < 20; t++) {
                int pos = off + s * streamLength + t;
                assertEquals(tokens[pos], d0.getFeatures().getInt(s, 0, t));
                assertEquals(1.0, d0.getLabels().getDouble(s, tokens[pos + 1], t), "label = next token");
                assertEquals(tokens[pos + 20], d1.getFeatures().getInt(s, 0, t), "batch 1 continues batch 0");
            }
        }
        assertEquals(10, b.stepsPerExample(d0));
        DataSet oneHotIn = new StreamBatches(tokens, 7, 4, 20, 10, true, false, 3).batch(0, 0);
        INDArray oneHot = oneHotIn.getFeatures();
        assertArrayEquals(new long[]{4, 7, 20}, oneHot.shape());
        assertEquals(4 * 20, oneHot.sumNumber().intValue());
        // index labels: the same batch, the next token's index where the one-hot labels have their 1
        DataSet sparse = new StreamBatches(tokens, 7, 4, 20, 10, true, true, 3).batch(0, 0);
        assertEquals(oneHot, sparse.getFeatures());
        assertArrayEquals(new long[]{4, 1, 20}, sparse.getLabels().shape());
        for (int s = 0; s < 4; s++) {
            for (int t = 0; t < 20; t++) {
                int next = tokens[off + s * streamLength + t + 1];
                assertEquals(next, sparse.getLabels().getInt(s, 0, t));
                assertEquals(1.0, oneHotIn.getLabels().getDouble(s, next, t));
                if (t + 1 < 20) {
                    assertEquals(1.0, oneHot.getDouble(s, next, t + 1), "the next step's input is this step's label");
                }
            }
        }
        assertTrue(b.epochOffset(1) != b.epochOffset(0) || b.epochOffset(2) != b.epochOffset(0), "offsets move between epochs");
        assertThrows(UserException.class, () -> new StreamBatches(new int[50], 7, 4, 20, 10, false, true, 3));
    }

    @Test
    void samplingTemperatureAndTruncation() {
        double[] p = {0.1, 0.6, 0.3};
        assertEquals(1, Sampling.next(p, 0, 0, 1, new Random(1)), "temperature 0 = argmax");
        for (int i = 0; i < 50; i++) {
            assertEquals(1, Sampling.next(p, 0.01, 0, 1, new Random(i)), "temperature → 0 tends to argmax");
            assertEquals(1, Sampling.next(p, 1, 1, 1, new Random(i)), "top-k 1 = argmax");
            assertTrue(Sampling.next(p, 1, 0, 0.8, new Random(i)) != 0, "top-p 0.8 keeps {1, 2}");
        }
        int[] counts = new int[3];
        Random r = new Random(7);
        for (int i = 0; i < 20000; i++) {
            counts[Sampling.next(p, 1, 0, 1, r)]++;
        }
        assertEquals(0.6, counts[1] / 20000.0, 0.02, "temperature 1 samples the model's distribution");
        int a = Sampling.next(p, 0.8, 0, 1, new Random(99)), b = Sampling.next(p, 0.8, 0, 1, new Random(99));
        assertEquals(a, b, "same seed, same draw");
    }
}
