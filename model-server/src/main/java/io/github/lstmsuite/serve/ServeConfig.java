package io.github.lstmsuite.serve;

import java.util.List;

/**
 * Everything the server runs with (the command line's flags; tests build it directly).
 *
 * @param host         the address to listen on; anything but loopback needs a {@code token}
 * @param port         the TCP port; 0 = a free one the system picks
 * @param models       what to serve
 * @param maxBatch     the most requests one batch takes; 1 = one request at a time
 * @param queue        the most requests waiting per model and endpoint; beyond it, 503
 * @param streams      text generations running at once per char model (each has its own copy of the network)
 * @param timeoutMillis a request that waited this long is answered 504
 * @param maxBody      the largest request body in bytes; beyond it, 413
 * @param token        the bearer token every request but the health checks and the page must carry, or {@code null}
 * @param corsOrigin   the one origin allowed cross-origin calls, or {@code null} (no CORS headers)
 * @param watchSeconds how often to look for a newer model file (0 = only on request)
 * @param limits       the limits on a request's fields
 * @param maxDelayMicros how long a batch may wait for more requests to join it while they keep coming (0 = not at all)
 */
public record ServeConfig(String host, int port, List<ModelSource> models, int maxBatch, int queue, int streams,
                          long timeoutMillis, int maxBody, String token, String corsOrigin, int watchSeconds,
                          FieldLimits limits, long maxDelayMicros) {
    /** The default port of {@code ./lstm serve}. */
    public static final int DEFAULT_PORT = 8790;

    public ServeConfig {
        models = List.copyOf(models);
        if (maxBatch < 1 || queue < 1 || streams < 1 || timeoutMillis < 1 || maxBody < 1 || watchSeconds < 0 || maxDelayMicros < 0) {
            throw new IllegalArgumentException("maxBatch, queue, streams, timeout and maxBody must be positive");
        }
    }

    /** As the canonical constructor, with no batch delay. */
    public ServeConfig(String host, int port, List<ModelSource> models, int maxBatch, int queue, int streams,
                       long timeoutMillis, int maxBody, String token, String corsOrigin, int watchSeconds, FieldLimits limits) {
        this(host, port, models, maxBatch, queue, streams, timeoutMillis, maxBody, token, corsOrigin, watchSeconds, limits, 0);
    }

    /** This configuration with another batch delay. */
    public ServeConfig withMaxDelayMicros(long us) {
        return new ServeConfig(host, port, models, maxBatch, queue, streams, timeoutMillis, maxBody, token, corsOrigin, watchSeconds, limits, us);
    }

    /** Loopback, a free port, the defaults of the command line: what tests and the load generator start from. */
    public static ServeConfig local(List<ModelSource> models) {
        return new ServeConfig("127.0.0.1", 0, models, 64, 256, 4, 30_000, 1 << 20, null, null, 0, FieldLimits.defaults());
    }

    /** This configuration with another batch size (1: one request at a time). */
    public ServeConfig withMaxBatch(int n) {
        return new ServeConfig(host, port, models, n, queue, streams, timeoutMillis, maxBody, token, corsOrigin, watchSeconds, limits, maxDelayMicros);
    }

    /** This configuration with another queue bound. */
    public ServeConfig withQueue(int n) {
        return new ServeConfig(host, port, models, maxBatch, n, streams, timeoutMillis, maxBody, token, corsOrigin, watchSeconds, limits, maxDelayMicros);
    }

    /** This configuration with a bearer token required. */
    public ServeConfig withToken(String t) {
        return new ServeConfig(host, port, models, maxBatch, queue, streams, timeoutMillis, maxBody, t, corsOrigin, watchSeconds, limits, maxDelayMicros);
    }

    /** This configuration with another body limit. */
    public ServeConfig withMaxBody(int bytes) {
        return new ServeConfig(host, port, models, maxBatch, queue, streams, timeoutMillis, bytes, token, corsOrigin, watchSeconds, limits, maxDelayMicros);
    }

    /**
     * The limits on one request's fields (beyond them: 422).
     *
     * @param sentences   sentences per translate request
     * @param chars       characters per sentence, and of a generation's prime
     * @param length      characters one generation writes
     * @param beam        beam width
     * @param horizon     forecast steps
     * @param values      values of a series to forecast
     * @param tensorItems numbers in one tensor request
     */
    public record FieldLimits(int sentences, int chars, int length, int beam, int horizon, int values, int tensorItems) {
        public static FieldLimits defaults() {
            return new FieldLimits(64, 1000, 5000, 10, 240, 100_000, 1 << 20);
        }
    }
}
