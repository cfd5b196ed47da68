package io.github.lstmsuite.serve;

import io.github.lstmsuite.chars.TextGenerator;
import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.text.CharVocabulary;
import io.github.lstmsuite.forecast.SeriesForecaster;
import io.github.lstmsuite.mnist.DigitClassifier;
import io.github.lstmsuite.translate.SentenceTranslator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the apps' endpoints, the Open Inference Protocol, health, metrics, the page. Start it with
 * {@link #start}; {@link #close} drains it (new requests get 503, those in flight finish) and stops it.
 *
 * <p>Every error is a status from the API's list and a one-line JSON body {@code {"error": "…"}}; nothing
 * below this class ever reaches a client as a stack trace.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    /** Paths anyone may call without the token: the page, the API's description and the health checks. */
    private static final Set<String> OPEN_PATHS = Set.of("/", "/openapi.json", "/health/live", "/health/ready",
            "/v2/health/live", "/v2/health/ready");

    /** Compact JSON (one line: what Server-Sent Events' data lines need, and fewer bytes). */
    private static final org.nd4j.shade.jackson.databind.ObjectWriter JSON = Json.mapper().writer()
            .without(org.nd4j.shade.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private final ServeConfig cfg;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService watcher;
    private final Javalin app;
    private volatile boolean draining;

    private ModelServer(ServeConfig cfg) {
        this.cfg = cfg;
        for (ModelSource src : cfg.models()) {
            if (models.containsKey(src.name())) {
                throw new UserException("two models named '" + src.name() + "': give one of them another name (NAME=FILE)");
            }
            ServedModel m = new ServedModel(src, cfg, metrics);
            models.put(src.name(), m);
            metrics.model(src.name(), () -> m.current().number, () -> m.current().queued(),
                    () -> m.current().activeStreams());
        }
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.disableCompression();
            c.http.prefer405over404 = true;
            c.jetty.threadPool = new QueuedThreadPool(256, 8, 60_000);
            if (cfg.corsOrigin() != null) {
                c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.allowHost(cfg.corsOrigin())));
            }
        });
        routes();
        this.watcher = cfg.watchSeconds() > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model watcher");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Loads the models and starts listening (a model that does not load is a one-line {@link UserException}). */
    public static ModelServer start(ServeConfig cfg) {
        if (cfg.port() != 0) {                   // a taken port: one line, before the models load and Jetty logs it
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(cfg.host()), cfg.port()));
            } catch (IOException e) {
                throw new UserException("--port " + cfg.port() + " on " + cfg.host() + ": cannot listen there (" + e.getMessage() + ")");
            }
        }
        ModelServer s = new ModelServer(cfg);
        try {
            s.app.start(cfg.host(), cfg.port());
        } catch (RuntimeException e) {
            throw new UserException("--port " + cfg.port() + " on " + cfg.host() + ": cannot listen there (" + rootMessage(e) + ")");
        }
        if (s.watcher != null) {
            s.watcher.scheduleWithFixedDelay(s::checkForNewer, cfg.watchSeconds(), cfg.watchSeconds(), TimeUnit.SECONDS);
        }
        return s;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** {@code http://host:port}. */
    public String url() {
        String h = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
        return "http://" + h + ":" + port();
    }

    /** The served names, in order. */
    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    /** The version served now under {@code name} (1, then +1 per swap). */
    public int version(String name) {
        return models.get(name).current().number;
    }

    /** The file served now under {@code name}. */
    public java.nio.file.Path file(String name) {
        return models.get(name).current().path;
    }

    /** The kind of the model served under {@code name}. */
    public ModelKind kind(String name) {
        return models.get(name).kind;
    }

    /** Swaps in the newest file of {@code name} now (what {@code POST /v1/models/{name}/reload} does); its new version. */
    public int reload(String name) {
        return models.get(name).reload().number;
    }

    private void checkForNewer() {
        for (ServedModel m : models.values()) {
            try {
                m.reloadIfChanged();
            } catch (RuntimeException e) {
                LOG.warn("{}: the newer model file did not load; still serving version {}: {}", m.name, m.current().number, e.getMessage());
            }
        }
    }

    /**
     * Stops gracefully: readiness turns 503 and new requests are refused (503) while those in flight finish
     * (up to the request timeout), then the listener closes and the batchers retire.
     */
    @Override
    public void close() {
        draining = true;
        if (watcher != null) {
            watcher.shutdownNow();
        }
        long end = System.currentTimeMillis() + cfg.timeoutMillis();
        while (inFlight.get() > 0 && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
        for (ServedModel m : models.values()) {
            m.current().retire();
        }
    }

    // ------------------------------------------------------------------ routes

    private void routes() {
        app.before(this::authorize);
        app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(Resources.PAGE));
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(Resources.OPENAPI));
        app.get("/health/live", ctx -> json(ctx, 200, Map.of("status", "live")));
        app.get("/health/ready", this::ready);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.get("/v1/models", ctx -> json(ctx, 200, models.values().stream().map(this::describe).toList()));
        app.get("/v1/models/{name}", ctx -> json(ctx, 200, describe(model(ctx))));
        app.post("/v1/models/{name}/reload", endpoint("reload", this::reloadRequest));
        app.post("/v1/models/{name}/classify", endpoint("classify", this::classify));
        app.post("/v1/models/{name}/generate", endpoint("generate", this::generate));
        app.post("/v1/models/{name}/forecast", endpoint("forecast", this::forecast));
        app.post("/v1/models/{name}/translate", endpoint("translate", this::translate));
        // the Open Inference Protocol (KServe v2, REST)
        app.get("/v2", ctx -> json(ctx, 200, Map.of("name", "lstm-suite", "version", "0.1.0", "extensions", List.of())));
        app.get("/v2/health/live", ctx -> json(ctx, 200, Map.of("live", true)));
        app.get("/v2/health/ready", ctx -> json(ctx, draining ? 503 : 200, Map.of("ready", !draining)));
        app.get("/v2/models/{name}", ctx -> json(ctx, 200, oipMetadata(model(ctx))));
        app.get("/v2/models/{name}/ready", ctx -> json(ctx, draining ? 503 : 200, Map.of("name", model(ctx).name, "ready", !draining)));
        app.post("/v2/models/{name}/infer", endpoint("infer", this::infer));
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() >= 500) {
                LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
                error(ctx, new ApiError(500, "internal error (the server's log has the details)"));
            } else {
                error(ctx, new ApiError(e.getStatus(), e.getMessage().lines().findFirst().orElse("")));
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
            error(ctx, new ApiError(500, "internal error (the server's log has the details)"));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, ApiError.notFound("no such endpoint: " + ctx.method() + " " + ctx.path() + " (GET /openapi.json lists them)"));
            }
        });
        app.error(405, ctx -> error(ctx, new ApiError(405, ctx.method() + " is not allowed on " + ctx.path())));
    }

    private void authorize(Context ctx) {
        if (cfg.token() == null || OPEN_PATHS.contains(ctx.path()) || "OPTIONS".equals(ctx.method().name())) {
            return;
        }
        String h = ctx.header("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, cfg.token().getBytes(StandardCharsets.UTF_8))) {   // constant time
            ctx.header("WWW-Authenticate", "Bearer");
            metrics.request("-", "auth", 401, 0);
            throw new ApiError(401, "missing or wrong bearer token (Authorization: Bearer <token from --token-file>)");
        }
    }

    private void ready(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", draining ? "draining" : "ready");
        Map<String, Integer> versions = new LinkedHashMap<>();
        models.forEach((n, m) -> versions.put(n, m.current().number));
        body.put("models", versions);
        json(ctx, draining ? 503 : 200, body);
    }

    /** A request with the model's name, timed and counted; errors become JSON; new ones are refused while draining. */
    private Handler endpoint(String endpoint, Handler h) {
        return ctx -> {
            long t0 = System.nanoTime();
            inFlight.incrementAndGet();
            String name = ctx.pathParam("name");
            try {
                if (draining) {
                    throw ApiError.overloaded("the server is shutting down", 5);
                }
                h.handle(ctx);
            } catch (ApiError e) {
                error(ctx, e);
            } catch (UserException e) {
                error(ctx, ApiError.unprocessable(e.getMessage()));
            } catch (ClientGone e) {
                ctx.status(499);                   // nobody reads this; it is what the metrics count
            } catch (RuntimeException e) {
                LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
                error(ctx, new ApiError(500, "internal error (the server's log has the details)"));
            } finally {
                inFlight.decrementAndGet();
                metrics.request(models.containsKey(name) ? name : "-", endpoint, ctx.statusCode(), System.nanoTime() - t0);
            }
        };
    }

    private void error(Context ctx, ApiError e) {
        if (ctx.res().isCommitted()) {
            return;
        }
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", e.retryAfterSeconds().toString());
        }
        json(ctx, e.status(), Map.of("error", e.getMessage() == null ? "error" : e.getMessage()));
    }

    /** A JSON object with its keys in the order given (Map.of's order changes from run to run). */
    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** A model file as answers show it: its run folder and name, not where it lies on this machine. */
    private static String shown(Path file) {
        Path abs = file.toAbsolutePath();
        return abs.getParent().getFileName() + "/" + abs.getFileName();
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ServedModel model(Context ctx) {
        ServedModel m = models.get(ctx.pathParam("name"));
        if (m == null) {
            throw ApiError.notFound("no model named '" + ctx.pathParam("name") + "' (served: " + String.join(", ", models.keySet()) + ")");
        }
        return m;
    }

    private ServedModel model(Context ctx, ModelKind kind) {
        ServedModel m = model(ctx);
        if (m.kind != kind) {
            throw ApiError.notFound("'" + m.name + "' is a " + m.kind + " model: it has no /" + kind.endpoint()
                    + (m.kind.endpoint() != null ? " (it has /" + m.kind.endpoint() + ")" : "")
                    + "; every model has /v2/models/" + m.name + "/infer");
        }
        return m;
    }

    private byte[] body(Context ctx) {
        return Requests.body(ctxInput(ctx), ctx.req().getContentLengthLong(), cfg.maxBody());
    }

    private static java.io.InputStream ctxInput(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode jsonBody(Context ctx) {
        return Requests.json(body(ctx));
    }

    /** A model's answer and the version that gave it. */
    private record Answer<O>(O value, int version) {
    }

    /**
     * Submits to the version served now; if a swap retired it in between, to the new one. Waits for the answer
     * up to the request timeout (then 504, and the queued request is skipped).
     */
    private <I, O> Answer<O> submit(ServedModel m, Function<Version, Batcher<I, O>> batcher, I input) {
        CompletableFuture<O> f;
        Version v;
        while (true) {
            try {
                v = m.current();
                f = batcher.apply(v).submit(input);
                break;
            } catch (Batcher.Retired e) {
                // a newer version took over between current() and submit(): go to it
            }
        }
        try {
            return new Answer<>(f.get(cfg.timeoutMillis(), TimeUnit.MILLISECONDS), v.number);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new ApiError(504, "no answer within " + cfg.timeoutMillis() + " ms (--timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted");
        } catch (CancellationException e) {
            throw new ApiError(504, "cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiError a) {
                throw a;
            }
            if (c instanceof UserException u) {
                throw ApiError.unprocessable(u.getMessage());
            }
            if (c instanceof IllegalArgumentException iae) {
                throw ApiError.unprocessable(iae.getMessage());
            }
            throw new IllegalStateException("the model failed on this request", c);
        }
    }

    // ------------------------------------------------------------------ the apps' endpoints

    private void reloadRequest(Context ctx) {
        ServedModel m = model(ctx);
        Version v = m.reload();
        json(ctx, 200, obj("name", m.name, "version", v.number, "file", shown(v.path)));
    }

    /** A digit: {@code image/png} (or any image) as the body, or JSON {@code {"pixels": [[28×28]]}} or {@code {"image": base64}}. */
    private void classify(Context ctx) {
        ServedModel m = model(ctx, ModelKind.mnist);
        int k = ctx.queryParam("top_k") != null ? parseTopK(ctx.queryParam("top_k")) : 3;
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        float[][] pixels;
        int[] topK = {k};
        byte[] body = body(ctx);
        if (type.startsWith("image/")) {
            pixels = image(body);
        } else if ((pixels = Requests.fastPixels(body, topK)) != null && topK[0] >= 1 && topK[0] <= 10) {
            k = topK[0];
        } else {
            JsonNode o = Requests.json(body);
            k = Requests.integer(o, "top_k", k, 1, 10);
            if (o.has("image")) {
                try {
                    pixels = image(Base64.getDecoder().decode(Requests.string(o, "image", "", cfg.maxBody())));
                } catch (IllegalArgumentException e) {
                    throw ApiError.badRequest("'image' is not base64: " + e.getMessage());
                }
            } else {
                pixels = Requests.pixels(o);
            }
        }
        Answer<DigitClassifier.Classification> a = submit(m, v -> v.classify, pixels);
        DigitClassifier.Classification c = a.value();
        List<Map<String, Object>> top = new ArrayList<>();
        for (int d : c.top(k)) {
            top.add(obj("digit", d, "probability", c.probabilities()[d]));
        }
        json(ctx, 200, obj("model", m.name, "version", a.version(), "digit", c.digit(), "top", top));
    }

    private static int parseTopK(String s) {
        try {
            int k = Integer.parseInt(s);
            if (k < 1 || k > 10) {
                throw ApiError.unprocessable("top_k is " + k + "; expected 1 to 10");
            }
            return k;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("top_k must be an integer");
        }
    }

    private static float[][] image(byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            img = null;
        }
        if (img == null) {
            throw ApiError.badRequest("the body is not an image ImageIO reads (PNG, JPEG, GIF, BMP)");
        }
        if ((long) img.getWidth() * img.getHeight() > 4_000_000) {
            throw ApiError.unprocessable("image of " + img.getWidth() + "x" + img.getHeight() + " pixels; the limit is 4 megapixels");
        }
        try {
            return DigitClassifier.prepare(img);
        } catch (UserException e) {
            throw ApiError.unprocessable(e.getMessage());
        }
    }

    /** Signals that the client closed the connection of a stream. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("client gone", null, false, false);
        }
    }

    /**
     * Text from a character model. With {@code "stream": true} (or {@code Accept: text/event-stream}) each
     * character is sent as a Server-Sent Event ({@code event: token}) the moment it is drawn, then
     * {@code event: done}; a client that goes away stops its generation at the next character.
     */
    private void generate(Context ctx) throws InterruptedException, IOException {
        ServedModel m = model(ctx, ModelKind.chars);
        var lim = cfg.limits();
        JsonNode o = jsonBody(ctx);
        String prime = Requests.string(o, "prime", "ROMEO:", lim.chars());
        int length = Requests.integer(o, "length", 300, 1, lim.length());
        double temperature = Requests.number(o, "temperature", 0.8, 0, 10);
        int topK = Requests.integer(o, "top_k", 0, 0, 1_000_000);
        double topP = Requests.number(o, "top_p", 1, 1e-9, 1);
        long seed = Requests.longValue(o, "seed", 42);
        String accept = ctx.header("Accept");
        boolean stream = o.has("stream") ? o.get("stream").asBoolean() : accept != null && accept.contains("text/event-stream");
        Version v = m.current();
        try {
            v.vocabulary.encode(prime, CharVocabulary.Unknown.error, "'prime'");
        } catch (UserException e) {
            throw ApiError.unprocessable(e.getMessage());
        }
        if (prime.isEmpty()) {
            throw ApiError.unprocessable("'prime' needs at least one character the model knows");
        }
        TextGenerator g = v.takeGenerator(1000);
        if (g == null) {
            throw ApiError.overloaded(m.name + ": " + cfg.streams() + " generations already run (--streams); try again shortly", 1);
        }
        try {
            TextGenerator.Sampling sampling = new TextGenerator.Sampling(temperature, topK, topP);
            if (!stream) {
                String text = g.generate(prime, length, sampling, seed);
                json(ctx, 200, obj("model", m.name, "version", v.number, "prime", prime, "text", text));
                return;
            }
            ctx.status(200);
            ctx.res().setContentType("text/event-stream; charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            send(out, "start", obj("model", m.name, "version", v.number, "prime", prime));
            String text = g.generate(prime, length, sampling, seed, piece -> send(out, "token", Map.of("text", piece)));
            send(out, "done", obj("text", text, "chars", text.codePointCount(0, text.length())));
            // the stream's last chunk written now, while the request still counts as in flight: a drain that
            // starts as the handler returns must not cut it off
            try {
                out.close();
            } catch (IOException e) {
                throw new ClientGone();
            }
        } finally {
            v.returnGenerator(g);
        }
    }

    private static void send(OutputStream out, String event, Object data) {
        try {
            out.write(("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new ClientGone();
        }
    }

    /** A forecast of the series in the request: {@code {"values": [...], "times": [...]?, "horizon": H?}}. */
    private void forecast(Context ctx) {
        ServedModel m = model(ctx, ModelKind.forecast);
        var lim = cfg.limits();
        JsonNode o = jsonBody(ctx);
        Version v = m.current();
        SeriesForecaster f = v.forecaster;
        if (f.hasFeatures()) {
            throw ApiError.unprocessable("'" + m.name + "' reads feature columns beside the target; this endpoint takes one series");
        }
        double[] values = Requests.numbers(o, "values", lim.values());
        String[] times = null;
        if (o.has("times") && !o.get("times").isNull()) {
            times = Requests.strings(o.get("times"), "times", lim.values(), 64).toArray(String[]::new);
            if (times.length != values.length) {
                throw ApiError.unprocessable("'times' has " + times.length + " labels for " + values.length + " values");
            }
        }
        if (values.length < f.needs()) {
            throw ApiError.unprocessable("'values' has " + values.length + "; the model reads the last " + f.needs());
        }
        int horizon = Requests.integer(o, "horizon", f.horizon(), 1, lim.horizon());
        Answer<SeriesForecaster.Forecast> a = submit(m, x -> x.forecast, new Version.ForecastJob(values, times, horizon));
        SeriesForecaster.Forecast fc = a.value();
        List<Map<String, Object>> steps = new ArrayList<>();
        for (SeriesForecaster.Step s : fc.steps()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("time", s.time());
            st.put("forecast", s.forecast());
            st.put("lo80", finite(s.lo80()));
            st.put("hi80", finite(s.hi80()));
            st.put("lo95", finite(s.lo95()));
            st.put("hi95", finite(s.hi95()));
            steps.add(st);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", m.name);
        body.put("version", a.version());
        body.put("after", fc.after());
        body.put("interval_horizon", fc.intervalHorizon());
        body.put("steps", steps);
        json(ctx, 200, body);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Translations: {@code {"sentence": "..."}} or {@code {"sentences": [...]}}, optional {@code "beam"}. */
    private void translate(Context ctx) {
        ServedModel m = model(ctx, ModelKind.translate);
        var lim = cfg.limits();
        JsonNode o = jsonBody(ctx);
        List<String> sentences;
        boolean one = o.has("sentence");
        if (one) {
            sentences = List.of(Requests.string(o, "sentence", "", lim.chars()));
        } else {
            sentences = Requests.strings(o.get("sentences"), "sentences", lim.sentences(), lim.chars());
        }
        int beam = Requests.integer(o, "beam", m.current().defaultBeam, 1, lim.beam());
        Answer<List<SentenceTranslator.Translation>> a = submit(m, x -> x.translate, new Version.TranslateJob(sentences, beam));
        List<SentenceTranslator.Translation> out = a.value();
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            items.add(obj("source", sentences.get(i), "translation", out.get(i).text(), "unknown", out.get(i).unknown()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", m.name);
        body.put("version", a.version());
        body.put("beam", beam);
        body.put("translations", items);
        json(ctx, 200, body);
    }

    // ------------------------------------------------------------------ the Open Inference Protocol

    private Map<String, Object> oipMetadata(ServedModel m) {
        Version v = m.current();
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", m.name);
        md.put("versions", List.of(Integer.toString(v.number)));
        md.put("platform", "deeplearning4j_" + v.tensorInfo.kind());
        md.put("inputs", v.tensorInfo.inputs().stream().map(p -> obj("name", p.name(), "datatype", "FP32", "shape", p.shape())).toList());
        md.put("outputs", v.tensorInfo.outputs().stream().map(p -> obj("name", p.name(), "datatype", "FP32", "shape", p.shape())).toList());
        return md;
    }

    private void infer(Context ctx) {
        ServedModel m = model(ctx);
        JsonNode o = jsonBody(ctx);
        Version v = m.current();
        JsonNode inputs = o.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() == 0) {
            throw ApiError.badRequest("'inputs' must be a non-empty array of {name, shape, datatype, data}");
        }
        List<Tensors.Port> ports = v.tensorInfo.inputs();
        if (inputs.size() != ports.size()) {
            throw ApiError.badRequest("'" + m.name + "' takes " + ports.size() + " input(s) ("
                    + String.join(", ", ports.stream().map(Tensors.Port::name).toList()) + "), got " + inputs.size());
        }
        LinkedHashMap<String, INDArray> arrays = new LinkedHashMap<>();
        long batch = -1;
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode in = inputs.get(i);
            String name = in.path("name").asText(ports.get(i).name());
            Tensors.Port port = ports.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> ApiError.badRequest("no input named '" + name + "' (inputs: "
                            + String.join(", ", ports.stream().map(Tensors.Port::name).toList()) + ")"));
            String dt = in.path("datatype").asText("FP32");
            if (!Set.of("FP32", "FP64", "FP16", "INT64", "INT32", "INT16", "INT8", "UINT8").contains(dt)) {
                throw ApiError.badRequest("input '" + name + "': datatype " + dt + " is not numeric (expected FP32, FP64 or an INT type)");
            }
            JsonNode shapeNode = in.get("shape");
            if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() < 2 || shapeNode.size() > 4) {
                throw ApiError.badRequest("input '" + name + "': 'shape' must be 2 to 4 dimensions, batch first");
            }
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            for (int d = 0; d < shape.length; d++) {
                if (!shapeNode.get(d).canConvertToLong() || shapeNode.get(d).longValue() < 1) {
                    throw ApiError.badRequest("input '" + name + "': shape dimensions must be positive integers");
                }
                shape[d] = shapeNode.get(d).longValue();
                count = Math.multiplyExact(count, shape[d]);
                if (count > cfg.limits().tensorItems()) {
                    throw ApiError.unprocessable("input '" + name + "': more than " + cfg.limits().tensorItems() + " numbers");
                }
                long expected = port.shape()[Math.min(d, port.shape().length - 1)];
                if (d == 1 && expected > 0 && shape[d] != expected) {
                    throw ApiError.badRequest("input '" + name + "': dimension 1 is " + shape[d] + "; the model reads " + expected
                            + " features (shape [batch, " + expected + ", time steps])");
                }
            }
            total += count;
            if (total > cfg.limits().tensorItems()) {
                throw ApiError.unprocessable("more than " + cfg.limits().tensorItems() + " numbers in the request");
            }
            if (batch >= 0 && shape[0] != batch) {
                throw ApiError.badRequest("inputs disagree on the batch size (" + batch + " vs " + shape[0] + ")");
            }
            batch = shape[0];
            float[] data = new float[(int) count];
            int[] at = {0};
            flatten(in.get("data"), data, at, name);
            if (at[0] != count) {
                throw ApiError.badRequest("input '" + name + "': " + at[0] + " numbers in 'data' for shape " + java.util.Arrays.toString(shape)
                        + " (" + count + ")");
            }
            arrays.put(name, Tensors.array(data, shape));
        }
        Answer<Map<String, INDArray>> a = submit(m, x -> x.tensors, new Tensors.Job(arrays));
        Map<String, INDArray> out = a.value();
        List<Map<String, Object>> outputs = new ArrayList<>();
        out.forEach((n, t) -> outputs.add(obj("name", n, "datatype", "FP32", "shape", t.shape(), "data", t.dup('c').data().asFloat())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_name", m.name);
        body.put("model_version", Integer.toString(a.version()));
        if (o.hasNonNull("id")) {
            body.put("id", o.get("id").asText());
        }
        body.put("outputs", outputs);
        json(ctx, 200, body);
    }

    /** Row-major numbers of {@code n} (flat or nested arrays) into {@code out}. */
    private static void flatten(JsonNode n, float[] out, int[] at, String name) {
        if (n == null || !n.isArray()) {
            throw ApiError.badRequest("input '" + name + "': 'data' must be an array of numbers (flat or nested, row-major)");
        }
        for (JsonNode e : n) {
            if (e.isArray()) {
                flatten(e, out, at, name);
            } else if (e.isNumber() && Double.isFinite(e.doubleValue())) {
                if (at[0] >= out.length) {
                    throw ApiError.badRequest("input '" + name + "': more numbers in 'data' than its shape holds (" + out.length + ")");
                }
                out[at[0]++] = e.floatValue();
            } else {
                throw ApiError.badRequest("input '" + name + "': 'data' holds something that is not a finite number");
            }
        }
    }

    // ------------------------------------------------------------------ the listing

    private Map<String, Object> describe(ServedModel m) {
        Version v = m.current();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", m.name);
        d.put("kind", m.kind.name());
        d.put("version", v.number);
        d.put("file", shown(v.path));
        d.put("loaded", v.loaded.toString());
        List<String> eps = new ArrayList<>();
        if (m.kind.endpoint() != null) {
            eps.add("/v1/models/" + m.name + "/" + m.kind.endpoint());
        }
        eps.add("/v2/models/" + m.name + "/infer");
        d.put("endpoints", eps);
        switch (m.kind) {
            case forecast -> {
                d.put("horizon", v.forecaster.horizon());
                d.put("needs", v.forecaster.needs());
                if (v.example != null) {
                    d.put("example", obj("name", v.example.targetName(), "values", v.example.target(), "times", v.example.labels()));
                }
            }
            case translate -> d.put("beam", v.defaultBeam);
            case chars -> d.put("streams", cfg.streams());
            default -> { }
        }
        return d;
    }
}
