package io.github.lstmsuite.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The classify request's streaming reader ({@link Requests#fastPixels}) against the JSON tree reader it stands in for. */
class RequestsTest {

    /** A body of 784 numbers, each written by {@code format} from a value in [0, 1]. */
    private static String body(Random rnd, java.util.function.Function<Double, String> format, String extra) {
        StringBuilder b = new StringBuilder("{\"pixels\": [");
        for (int r = 0; r < 28; r++) {
            b.append(r == 0 ? "[" : ",\n [");
            for (int c = 0; c < 28; c++) {
                double v = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(50) == 0 ? 1 : rnd.nextDouble();
                b.append(c == 0 ? "" : ", ").append(format.apply(v));
            }
            b.append(']');
        }
        return b.append("]").append(extra).append('}').toString();
    }

    private static float[][] tree(String body) {
        return Requests.pixels(Requests.json(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static float[][] fast(String body, int[] topK) {
        return Requests.fastPixels(body.getBytes(StandardCharsets.UTF_8), topK);
    }

    @Test
    void everyNumberIsTheFloatTheTreeReaderGives() {
        Random rnd = new Random(7);
        java.util.List<java.util.function.Function<Double, String>> formats = java.util.List.of(
                v -> String.format(Locale.ROOT, "%.3f", v),                          // what the load test sends
                v -> Double.toString(v),                                              // 17 significant digits
                v -> Float.toString(v.floatValue()),                                  // exponents (1.0E-4) too
                v -> String.format(Locale.ROOT, "%.7f", v),
                v -> String.format(Locale.ROOT, "%.15f", v),
                v -> String.format(Locale.ROOT, "%.22f", v),
                v -> String.format(Locale.ROOT, "%.2e", v),
                v -> v == 0 ? "0" : v == 1 ? "1" : String.format(Locale.ROOT, "%.5f", v));
        for (var format : formats) {
            for (int k = 0; k < 20; k++) {
                String body = body(rnd, format, "");
                int[] topK = {3};
                float[][] got = fast(body, topK);
                assertNotNull(got, body.substring(0, 80));
                float[][] want = tree(body);
                for (int r = 0; r < 28; r++) {
                    assertArrayEquals(want[r], got[r], 0f, "row " + r + " of " + body.substring(0, 80));
                }
                assertEquals(3, topK[0]);
            }
        }
    }

    @Test
    void readsTopKAndSpacesAnywhereJsonAllows() {
        String body = body(new Random(1), v -> String.format(Locale.ROOT, "%.3f", v), ", \"top_k\" :\t5 ");
        int[] topK = {3};
        assertNotNull(fast(" \r\n" + body + "\n", topK));
        assertEquals(5, topK[0]);
        String first = "{ \"top_k\": 2, " + body(new Random(1), v -> String.format(Locale.ROOT, "%.3f", v), "").substring(1);
        assertNotNull(fast(first, topK));
        assertEquals(2, topK[0]);
    }

    @Test
    void leavesEverythingElseToTheTreeReader() {
        String good = body(new Random(2), v -> String.format(Locale.ROOT, "%.3f", v), "");
        assertNotNull(fast(good, new int[] {3}));
        String[] bad = {
            good.replaceFirst("0\\.", "00."),                 // a leading zero: not JSON
            good.replaceFirst("0\\.(\\d)", ".$1"),            // no integer part
            good.replaceFirst("0\\.\\d+", "0."),              // no fraction digits
            good.replaceFirst("0\\.\\d+", "1.5"),             // out of range
            good.replaceFirst("0\\.\\d+", "-0.5"),
            good.replaceFirst("0\\.\\d+", "1e"),              // an exponent without digits
            good.replaceFirst("0\\.\\d+", "\"0.5\""),         // a string
            good.substring(0, good.length() - 1),             // unclosed
            good + "x",                                        // trailing text
            good.replace("}", ", \"image\": \"AA==\"}"),      // another field
            good.replace("}", ", \"top_k\": 2.5}"),           // a fractional top_k
            "{\"pixels\": [[0.5]]}",
            "[1, 2]",
            "",
        };
        for (int k = 0; k < bad.length; k++) {
            assertNull(fast(bad[k], new int[] {3}), "case " + k);
        }
        assertNotNull(fast(good.replaceFirst("\\],\n \\[", "],["), new int[] {3}), "fewer spaces: still the fast path");
    }
}
