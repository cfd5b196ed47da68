package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.series.TimeSeries;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.shade.jackson.databind.JsonNode;

/** Reading a request: its body within the size limit, JSON fields with their types and limits, one-line errors. */
final class Requests {
    private Requests() {
    }

    /** The body, or 413 when it is longer than {@code max} bytes (read no further than that). */
    static byte[] body(InputStream in, long contentLength, int max) {
        if (contentLength > max) {
            throw ApiError.tooLarge("request body of " + contentLength + " bytes; the limit is " + max + " (--max-body)");
        }
        try {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw ApiError.tooLarge("request body over " + max + " bytes (--max-body)");
            }
            return b;
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    /** The body as a JSON object (400 if it is not one). */
    static JsonNode json(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("empty body: expected a JSON object");
        }
        try {
            JsonNode n = Json.mapper().readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest("expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType().toString().toLowerCase()));
            }
            return n;
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw ApiError.badRequest("malformed JSON: " + m);
        }
    }

    static String string(JsonNode o, String field, String fallback, int maxChars) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        if (n.textValue().length() > maxChars) {
            throw ApiError.unprocessable("'" + field + "' has " + n.textValue().length() + " characters; the limit is " + maxChars);
        }
        return n.textValue();
    }

    static int integer(JsonNode o, String field, int fallback, int min, int max) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiError.badRequest("'" + field + "' must be an integer");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw ApiError.unprocessable("'" + field + "' is " + v + "; expected " + min + " to " + max);
        }
        return v;
    }

    static long longValue(JsonNode o, String field, long fallback) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiError.badRequest("'" + field + "' must be an integer");
        }
        return n.longValue();
    }

    static double number(JsonNode o, String field, double fallback, double min, double max) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw ApiError.badRequest("'" + field + "' must be a number");
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw ApiError.unprocessable("'" + field + "' is " + v + "; expected " + min + " to " + max);
        }
        return v;
    }

    /** A JSON array of finite numbers, 1 to {@code max} of them. */
    static double[] numbers(JsonNode o, String field, int max) {
        JsonNode n = o.get(field);
        if (n == null || !n.isArray()) {
            throw ApiError.badRequest("'" + field + "' must be an array of numbers");
        }
        if (n.size() == 0 || n.size() > max) {
            throw ApiError.unprocessable("'" + field + "' has " + n.size() + " values; expected 1 to " + max);
        }
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isNumber() || !Double.isFinite(e.doubleValue())) {
                throw ApiError.badRequest("'" + field + "'[" + i + "] is not a finite number");
            }
            v[i] = e.doubleValue();
        }
        return v;
    }

    /** A JSON array of strings, 1 to {@code max} of them, each at most {@code maxChars} long. */
    static List<String> strings(JsonNode n, String field, int max, int maxChars) {
        if (n == null || !n.isArray()) {
            throw ApiError.badRequest("'" + field + "' must be an array of strings");
        }
        if (n.size() == 0 || n.size() > max) {
            throw ApiError.unprocessable("'" + field + "' has " + n.size() + " items; expected 1 to " + max);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                throw ApiError.badRequest("'" + field + "'[" + i + "] is not a string");
            }
            if (e.textValue().length() > maxChars) {
                throw ApiError.unprocessable("'" + field + "'[" + i + "] has " + e.textValue().length() + " characters; the limit is " + maxChars);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** The pixels of a 28×28 image: 28 arrays of 28 numbers in 0…1 (MNIST's convention: ink is 1). */
    static float[][] pixels(JsonNode o) {
        JsonNode n = o.get("pixels");
        if (n == null || !n.isArray() || n.size() != 28) {
            throw ApiError.badRequest("'pixels' must be 28 rows of 28 numbers (0 = background, 1 = ink)");
        }
        float[][] p = new float[28][28];
        for (int r = 0; r < 28; r++) {
            JsonNode row = n.get(r);
            if (!row.isArray() || row.size() != 28) {
                throw ApiError.badRequest("'pixels'[" + r + "] must be 28 numbers");
            }
            for (int c = 0; c < 28; c++) {
                JsonNode v = row.get(c);
                if (!v.isNumber() || !(v.doubleValue() >= 0 && v.doubleValue() <= 1)) {
                    throw ApiError.unprocessable("'pixels'[" + r + "][" + c + "] must be a number from 0 to 1");
                }
                p[r][c] = v.floatValue();
            }
        }
        return p;
    }

    /**
     * The pixels of a classify request read straight from the body's bytes, or {@code null} when the body is not
     * exactly a JSON object whose only fields are {@code pixels} (28 rows of 28 numbers from 0 to 1) and
     * {@code top_k} (a small non-negative integer); the caller then reads the tree, which says what is wrong.
     *
     * <p>Why by hand: the request's 784 numbers were most of the server's work per digit. Through Jackson's
     * streaming parser they took 40 µs a request at 32 clients, two fifths of the HTTP threads' time; Jackson
     * makes a string of each number and parses it again. Here a number like {@code 0.502} is read as the
     * integer 502 and 10³, and {@code (double) 502 / 1e3} is the correctly rounded double (both are exact
     * doubles: the fast path of Clinger's "How to read floating point numbers accurately"), so every value is
     * the float the tree reader gives ({@code (float) Double.parseDouble}); longer numbers and exponents go
     * through {@link Double#parseDouble}.
     */
    static float[][] fastPixels(byte[] body, int[] topK) {
        return new PixelReader(body).read(topK);
    }

    /** The hand reader behind {@link #fastPixels}: any surprise returns {@code null}. */
    private static final class PixelReader {
        private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        private final byte[] b;
        private int i;
        private boolean isFraction;                                    // the last number had a fraction or an exponent

        PixelReader(byte[] b) {
            this.b = b;
        }

        float[][] read(int[] topK) {
            float[][] px = null;
            if (!take('{')) {
                return null;
            }
            do {
                int key = key();
                if (key == 1) {                                        // "pixels": [[28 numbers] × 28]
                    px = new float[28][28];
                    if (!take('[')) {
                        return null;
                    }
                    for (int r = 0; r < 28; r++) {
                        if ((r > 0 && !take(',')) || !take('[')) {
                            return null;
                        }
                        for (int c = 0; c < 28; c++) {
                            if (c > 0 && !take(',')) {
                                return null;
                            }
                            double v = number();
                            if (!(v >= 0 && v <= 1)) {                 // NaN: not a number here
                                return null;
                            }
                            px[r][c] = (float) v;
                        }
                        if (!take(']')) {
                            return null;
                        }
                    }
                    if (!take(']')) {
                        return null;
                    }
                } else if (key == 2) {                                 // "top_k": an integer
                    double v = number();
                    if (!(v >= 0 && v <= 1000 && v == Math.rint(v)) || isFraction) {
                        return null;
                    }
                    topK[0] = (int) v;
                } else {
                    return null;
                }
            } while (take(','));
            if (!take('}')) {
                return null;
            }
            skipSpace();
            return i == b.length ? px : null;
        }

        /** 1 for "pixels", 2 for "top_k" (then the colon is read), 0 for anything else. */
        private int key() {
            skipSpace();
            int k = match("\"pixels\"") ? 1 : match("\"top_k\"") ? 2 : 0;
            return k != 0 && take(':') ? k : 0;
        }

        private boolean match(String s) {
            if (i + s.length() > b.length) {
                return false;
            }
            for (int j = 0; j < s.length(); j++) {
                if (b[i + j] != s.charAt(j)) {
                    return false;
                }
            }
            i += s.length();
            return true;
        }

        /** A JSON number (RFC 8259's grammar, checked), or NaN. */
        private double number() {
            skipSpace();
            int start = i;
            boolean negative = i < b.length && b[i] == '-';
            if (negative) {
                i++;
            }
            long mantissa = 0;
            int digits = 0;
            int fraction = 0;
            if (i < b.length && b[i] == '0') {
                i++;
            } else if (i < b.length && b[i] >= '1' && b[i] <= '9') {
                while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                    mantissa = digits < 18 ? mantissa * 10 + (b[i] - '0') : mantissa;
                    digits++;
                    i++;
                }
            } else {
                return Double.NaN;
            }
            isFraction = false;
            if (i < b.length && b[i] == '.') {
                isFraction = true;
                i++;
                int from = i;
                while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                    if (mantissa != 0 || b[i] != '0') {
                        digits++;
                    }
                    mantissa = digits < 18 ? mantissa * 10 + (b[i] - '0') : mantissa;
                    fraction++;
                    i++;
                }
                if (i == from) {
                    return Double.NaN;
                }
            }
            boolean exponent = i < b.length && (b[i] == 'e' || b[i] == 'E');
            if (exponent) {
                isFraction = true;
                i++;
                if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                    i++;
                }
                int from = i;
                while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                    i++;
                }
                if (i == from) {
                    return Double.NaN;
                }
            }
            if (!exponent && digits <= 15 && fraction < POW10.length) {
                double v = mantissa / POW10[fraction];             // both exact: one correctly rounded division
                return negative ? -v : v;
            }
            return Double.parseDouble(new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII));
        }

        private boolean take(char c) {
            skipSpace();
            if (i < b.length && b[i] == c) {
                i++;
                return true;
            }
            return false;
        }

        private void skipSpace() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
                i++;
            }
        }
    }

    /** A univariate series with the given time labels (or row numbers). */
    static TimeSeries series(double[] values, String[] times) {
        if (times == null) {
            return TimeSeries.of("request", values);
        }
        return new TimeSeries("request", "value", "time", times, values, List.of(), new double[0][]);
    }
}
