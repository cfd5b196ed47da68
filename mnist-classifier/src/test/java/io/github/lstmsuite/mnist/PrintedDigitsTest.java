package io.github.lstmsuite.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.data.IdxReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The printed-digit set (rendering, the bundled copy, its preparation) and the training augmentation. */
class PrintedDigitsTest {
    @Test
    void renderDigitsWritesAnIdxPairThatEvaluateReadsAsMnistLikeImages(@TempDir Path tmp) throws Exception {
        Path fonts = Path.of("/usr/share/fonts");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fonts) && !PrintedDigits.fontFiles(java.util.List.of(fonts)).isEmpty(),
                "no fonts on this machine");
        Cli.Captured r = Cli.captured(() -> MnistApp.runExample("render-digits", "--out", tmp.resolve("a").toString(), "--per-font", "1"));
        assertEquals(0, r.outcome().exitCode(), r.err());
        PrintedDigits.Result a = r.outcome().result(PrintedDigits.Result.class);
        assertEquals(10 * a.fonts().size(), a.count());
        IdxReader.Images raw = IdxReader.readImages(a.images());
        assertEquals(PrintedDigits.SIZE, raw.rows());
        int[] labels = IdxReader.readLabels(a.labels());
        for (int i = 0; i < labels.length; i++) {
            assertEquals(i % 10, labels[i], "each font's digits in order 0–9");
        }
        // the same seed draws the same pages
        PrintedDigits.Result b = Cli.captured(() -> MnistApp.runExample("render-digits", "--out", tmp.resolve("b").toString(), "--per-font", "1"))
                .outcome().result(PrintedDigits.Result.class);
        assertArrayEquals(raw.pixels(), IdxReader.readImages(b.images()).pixels());
        // read for evaluation: prepared to 28 × 28, light ink on a black background
        MnistData.Split s = MnistData.read(a.images(), a.labels());
        assertEquals(28, s.images().rows());
        assertEquals(0, s.images().pixel(0, 0, 0));
        for (int i = 0; i < s.size(); i += 7) {
            double mass = 0, cr = 0, cc = 0;
            for (int p = 0; p < 784; p++) {
                int v = s.images().pixel(i, p / 28, p % 28);
                mass += v;
                cr += v * (p / 28);
                cc += v * (p % 28);
            }
            assertTrue(mass > 255 * 15, "image " + i + " has ink");
            assertEquals(13.5, cr / mass, 1.0, "image " + i + ": centred by mass (row)");
            assertEquals(13.5, cc / mass, 1.0, "image " + i + ": centred by mass (column)");
        }
        assertEquals(2, Cli.captured(() -> MnistApp.runExample("render-digits", "--out", tmp.toString(), "--fonts", tmp.resolve("none").toString()))
                .outcome().exitCode());
    }

    @Test
    void theBundledSetIsFoundAndPrepared() {
        MnistData.Split s = MnistData.printedDigits(DatasetResolver.standard());
        assertNotNull(s, "data/printed-digits");
        assertEquals(3810, s.size());
        int[] perClass = new int[10];
        for (int l : s.labels()) {
            perClass[l]++;
        }
        assertArrayEquals(new int[] {381, 381, 381, 381, 381, 381, 381, 381, 381, 381}, perClass);
    }

    @Test
    void aRunConfigurationSavedBeforeAugmentationExistedReadsAsNotAugmented() {
        String old = "{\"preset\":\"seed\",\"model\":{\"hidden\":64,\"layers\":1,\"dropout\":0.0,\"bidirectional\":false,"
                + "\"learningRate\":0.01,\"lrDecay\":1.0,\"seed\":42,\"lstm\":\"fast\",\"cell\":null},\"epochs\":1,\"batchSize\":64,"
                + "\"trainSize\":60000,\"valSize\":0,\"testSize\":10000,\"patience\":0,\"pixelScale\":0.00392156862745098}";
        MnistApp.RunConfig c = io.github.lstmsuite.common.report.Json.read(old, MnistApp.RunConfig.class);
        assertFalse(c.augment());
        assertEquals(64, c.model().hidden());
    }

    @Test
    void augmentationIsDrawnFromTheSeedAndTheBatchAndKeepsTheDigit() {
        float[] img = new float[784];
        for (int r = 6; r < 22; r++) {
            img[r * 28 + 13] = 255;                 // a vertical bar: a "1"
            img[r * 28 + 14] = 255;
        }
        int[] idx = {5, 9, 1};
        float[] a = DigitAugment.apply(img, DigitAugment.stream(42, idx));
        float[] b = DigitAugment.apply(img, DigitAugment.stream(42, idx));
        float[] c = DigitAugment.apply(img, DigitAugment.stream(43, idx));
        assertArrayEquals(a, b, "same seed and batch, same images");
        assertFalse(java.util.Arrays.equals(a, c), "another seed draws another map");
        SplittableRandom rnd = DigitAugment.stream(7, idx);
        for (int k = 0; k < 200; k++) {
            float[] x = DigitAugment.apply(img, rnd);
            double mass = 0, cr = 0, cc = 0;
            for (int p = 0; p < 784; p++) {
                mass += x[p];
                cr += x[p] * (p / 28);
                cc += x[p] * (p % 28);
            }
            double ratio = mass / (32 * 255.0);
            // scale 0.8–1.15 changes a bar's area by at most its square; bolder / thinner strokes by about half again
            assertTrue(ratio > 0.35 && ratio < 2.7, "ink mass ratio " + ratio);
            assertEquals(13.5, cr / mass, 3.5, "stays near the centre (row)");
            assertEquals(13.5, cc / mass, 3.5, "stays near the centre (column)");
        }
    }
}
