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
     * The pixels of a classify request read straight from the body with Jackson's streaming parser (no tree: the
     * request's 784 numbers are most of the server's work per digit), or {@code null} when the body is not a JSON
     * object whose only fields are {@code pixels} and {@code top_k} (then the caller reads the tree).
     */
    static float[][] fastPixels(byte[] body, int[] topK) {
        try (org.nd4j.shade.jackson.core.JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != org.nd4j.shade.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            float[][] px = null;
            for (org.nd4j.shade.jackson.core.JsonToken t = p.nextToken(); t == org.nd4j.shade.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.getCurrentName();
                p.nextToken();
                if (name.equals("top_k") && p.currentToken() == org.nd4j.shade.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                    topK[0] = p.getIntValue();
                } else if (name.equals("pixels") && p.currentToken() == org.nd4j.shade.jackson.core.JsonToken.START_ARRAY) {
                    px = new float[28][28];
                    for (int r = 0; r < 28; r++) {
                        if (p.nextToken() != org.nd4j.shade.jackson.core.JsonToken.START_ARRAY) {
                            return null;
                        }
                        for (int c = 0; c < 28; c++) {
                            org.nd4j.shade.jackson.core.JsonToken v = p.nextToken();
                            if (v != org.nd4j.shade.jackson.core.JsonToken.VALUE_NUMBER_INT && v != org.nd4j.shade.jackson.core.JsonToken.VALUE_NUMBER_FLOAT) {
                                return null;
                            }
                            float f = p.getFloatValue();
                            if (!(f >= 0 && f <= 1)) {
                                return null;
                            }
                            px[r][c] = f;
                        }
                        if (p.nextToken() != org.nd4j.shade.jackson.core.JsonToken.END_ARRAY) {
                            return null;
                        }
                    }
                    if (p.nextToken() != org.nd4j.shade.jackson.core.JsonToken.END_ARRAY) {
                        return null;
                    }
                } else {
                    return null;
                }
            }
            return p.currentToken() == org.nd4j.shade.jackson.core.JsonToken.END_OBJECT && p.nextToken() == null ? px : null;
        } catch (IOException | RuntimeException e) {
            return null;                          // the tree reader says what is wrong
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
