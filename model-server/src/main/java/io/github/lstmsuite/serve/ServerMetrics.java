package io.github.lstmsuite.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server's metrics in Micrometer, scraped as Prometheus text at {@code /metrics}:
 * {@code lstm_serve_requests_total{model,endpoint,status}}, {@code lstm_serve_request_seconds} (a latency
 * histogram per model and endpoint), {@code lstm_serve_batch_size} (a histogram of the batches run),
 * {@code lstm_serve_queue_depth}, {@code lstm_serve_streams_active}, {@code lstm_serve_model_version}, and the
 * JVM's memory, threads and CPU.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The meters of each (model, endpoint, status), built once: a registry lookup per request costs more. */
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Counts a request and its latency. */
    void request(String model, String endpoint, int status, long nanos) {
        counters.computeIfAbsent(model + '\0' + endpoint + '\0' + status, k -> Counter.builder("lstm.serve.requests")
                .description("Requests answered").tags("model", model, "endpoint", endpoint, "status", Integer.toString(status))
                .register(registry)).increment();
        timers.computeIfAbsent(model + '\0' + endpoint, k -> Timer.builder("lstm.serve.request")
                .description("Time from a request's arrival to its answer (streams: to its end)")
                .tags("model", model, "endpoint", endpoint).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Where a batcher reports the size of each batch it ran. */
    Consumer<Integer> batchSizes(String model, String endpoint) {
        DistributionSummary s = DistributionSummary.builder("lstm.serve.batch.size").description("Requests per batch run")
                .tags("model", model, "endpoint", endpoint).serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
        return s::record;
    }

    /** Gauges read from the served model at each scrape. */
    void model(String model, Supplier<Number> version, Supplier<Number> queued, Supplier<Number> streams) {
        Gauge.builder("lstm.serve.model.version", version).description("The version now served (1 = as started; +1 per swap)")
                .tags("model", model).register(registry);
        Gauge.builder("lstm.serve.queue.depth", queued).description("Requests waiting for a batch")
                .tags("model", model).register(registry);
        Gauge.builder("lstm.serve.streams.active", streams).description("Text generations streaming now")
                .tags("model", model).register(registry);
    }

    /** The Prometheus text exposition. */
    String scrape() {
        return registry.scrape();
    }
}
