package io.github.lstmsuite.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.chars.TextGenerator;
import io.github.lstmsuite.forecast.SeriesForecaster;
import io.github.lstmsuite.mnist.DigitClassifier;
import io.github.lstmsuite.translate.SentenceTranslator;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * The server over real HTTP on loopback, serving the four apps' models: each endpoint answers what the app's
 * Java API answers for the same input, batching gives the same answers as one at a time, every bad request gets
 * its documented status and the server stays healthy, a full queue answers 503, a swap under load loses no
 * request, a client that leaves a stream stops its generation.
 */
class ModelServerTest {
    static TrainedModels models;
    static ModelServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        models = TrainedModels.get();
        server = ModelServer.start(ServeConfig.local(models.sources()));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] drawn(int digit) throws IOException {
        BufferedImage img = new BufferedImage(140, 140, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 140, 140);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(12f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        if (digit == 1) {
            g.drawLine(70, 20, 70, 120);
        } else {
            g.drawLine(40, 30, 100, 30);
            g.drawLine(100, 30, 60, 120);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void classifiesADrawnDigitAsTheJavaApiDoes() throws IOException {
        DigitClassifier direct = DigitClassifier.load(models.mnist);
        for (int digit : new int[] {1, 7}) {
            byte[] png = drawn(digit);
            Http.Reply r = http.post("/v1/models/mnist/classify?top_k=3", png, "image/png");
            assertEquals(200, r.status(), r.body());
            JsonNode j = r.json();
            DigitClassifier.Classification c = direct.classify(ImageIO.read(new java.io.ByteArrayInputStream(png)));
            assertEquals(c.digit(), j.get("digit").asInt());
            assertEquals(digit, j.get("digit").asInt(), "a drawn " + digit + ": " + r.body());
            assertEquals(3, j.get("top").size());
            double prev = 2;
            for (JsonNode t : j.get("top")) {
                double p = t.get("probability").asDouble();
                assertTrue(p <= prev + 1e-12, "top-k is sorted");
                assertEquals(c.probabilities()[t.get("digit").asInt()], p, 1e-5);
                prev = p;
            }
            // the same picture as base64 inside JSON
            Http.Reply b = http.post("/v1/models/mnist/classify", Http.json(Map.of("image",
                    java.util.Base64.getEncoder().encodeToString(png), "top_k", 1)));
            assertEquals(digit, b.json().get("digit").asInt());
            assertEquals(1, b.json().get("top").size());
        }
    }

    @Test
    void concurrentRequestsAreBatchedWithTheSameAnswers() throws Exception {
        DigitClassifier direct = DigitClassifier.load(models.mnist);
        java.util.Random rnd = new java.util.Random(5);
        List<float[][]> images = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            float[][] p = new float[28][28];
            for (int k = 0; k < 60; k++) {
                p[4 + rnd.nextInt(20)][4 + rnd.nextInt(20)] = 1f;
            }
            images.add(p);
        }
        double batchesBefore = metric("lstm_serve_batch_size_count", "endpoint=\"classify\"");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (float[][] img : images) {
                replies.add(pool.submit(() -> http.post("/v1/models/mnist/classify", Http.json(Map.of("pixels", img)))));
            }
            for (int i = 0; i < images.size(); i++) {
                Http.Reply r = replies.get(i).get();
                assertEquals(200, r.status(), r.body());
                DigitClassifier.Classification c = direct.classify(images.get(i));
                assertEquals(c.digit(), r.json().get("digit").asInt());
                assertEquals(c.probability(), r.json().get("top").get(0).get("probability").asDouble(), 1e-5);
            }
        } finally {
            pool.shutdown();
        }
        double batches = metric("lstm_serve_batch_size_count", "endpoint=\"classify\"") - batchesBefore;
        assertTrue(batches < images.size(), "96 requests from 32 clients ran in " + batches + " batches: some were batched");
    }

    @Test
    void generatesTheJavaApisTextStreamedOrWhole() {
        TextGenerator direct = TextGenerator.load(models.chars);
        String expected = direct.generate("KING", 120, new TextGenerator.Sampling(0.8, 0, 0.95), 7);
        Map<String, Object> req = Map.of("prime", "KING", "length", 120, "temperature", 0.8, "top_p", 0.95, "seed", 7);
        Http.Reply whole = http.post("/v1/models/chars/generate", Http.json(req));
        assertEquals(200, whole.status(), whole.body());
        assertEquals(expected, whole.json().get("text").asText());

        Map<String, Object> streamed = new java.util.HashMap<>(req);
        streamed.put("stream", true);
        Http.Reply sse = http.post("/v1/models/chars/generate", Http.json(streamed));
        assertEquals(200, sse.status());
        assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder tokens = new StringBuilder();
        Matcher m = Pattern.compile("event: token\ndata: (\\{.*?\\})\n\n").matcher(sse.body());
        int events = 0;
        while (m.find()) {
            tokens.append(new Http.Reply(200, m.group(1), null).json().get("text").asText());
            events++;
        }
        assertEquals(expected, tokens.toString());
        assertEquals(expected.codePointCount(0, expected.length()), events, "one event per character");
        assertTrue(sse.body().startsWith("event: start\n"));
        assertTrue(sse.body().contains("event: done\ndata: "));
    }

    @Test
    void aClientThatLeavesAStreamStopsItsGeneration() throws Exception {
        try (ModelServer one = ModelServer.start(new ServeConfig("127.0.0.1", 0, List.of(ModelSource.file("chars", models.chars)),
                64, 16, 1, 30_000, 1 << 20, null, null, 0, ServeConfig.FieldLimits.defaults()))) {
            byte[] body = Http.json(Map.of("prime", "KING", "length", 5000, "stream", true)).getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            try (Socket s = new Socket("127.0.0.1", one.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/models/chars/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                int got = 0;
                while (got < 600) {                       // the headers and some characters
                    int n = in.read(buf);
                    assertTrue(n > 0);
                    got += n;
                }
            }                                             // gone, mid-stream
            Http h = new Http(one.url());
            // the only generator (--streams 1) comes back when the server notices; the next generation runs
            Http.Reply next = null;
            for (int i = 0; i < 100 && (next == null || next.status() != 200); i++) {
                next = h.post("/v1/models/chars/generate", Http.json(Map.of("prime", "KING", "length", 5)));
                if (next.status() != 200) {
                    Thread.sleep(50);
                }
            }
            assertEquals(200, next.status(), next.body());
            String metrics = h.get("/metrics").body();
            assertTrue(metrics.contains("lstm_serve_requests_total{endpoint=\"generate\",model=\"chars\",status=\"499\"} 1"), metrics);
            assertTrue(System.nanoTime() - t0 < 20e9);
        }
    }

    @Test
    void forecastsAsTheJavaApiDoes() {
        SeriesForecaster direct = SeriesForecaster.load(models.forecast);
        JsonNode info = http.get("/v1/models/forecast").json();
        JsonNode ex = info.get("example");
        assertNotNull(ex, "the model's own series is offered to the page");
        double[] values = new double[ex.get("values").size()];
        String[] times = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = ex.get("values").get(i).asDouble();
            times[i] = ex.get("times").get(i).asText();
        }
        SeriesForecaster.Forecast f = direct.forecast(Requests.series(values, times), 6);
        Http.Reply r = http.post("/v1/models/forecast/forecast", Http.json(Map.of("values", values, "times", times, "horizon", 6)));
        assertEquals(200, r.status(), r.body());
        JsonNode steps = r.json().get("steps");
        assertEquals(6, steps.size());
        for (int k = 0; k < 6; k++) {
            assertEquals(f.steps().get(k).time(), steps.get(k).get("time").asText());
            assertEquals(f.steps().get(k).forecast(), steps.get(k).get("forecast").asDouble(), 1e-9);
            assertEquals(f.steps().get(k).lo95(), steps.get(k).get("lo95").asDouble(), 1e-9);
            assertTrue(steps.get(k).get("lo95").asDouble() <= steps.get(k).get("lo80").asDouble());
            assertTrue(steps.get(k).get("hi80").asDouble() <= steps.get(k).get("hi95").asDouble());
        }
    }

    @Test
    void translatesAsTheJavaApiDoes() {
        SentenceTranslator direct = SentenceTranslator.load(models.translate);
        List<String> sentences = List.of("3 march 2019", "december 25, 1999", "5 may 2001", "the 1st of june 1987");
        Http.Reply r = http.post("/v1/models/translate/translate", Http.json(Map.of("sentences", sentences, "beam", 1)));
        assertEquals(200, r.status(), r.body());
        JsonNode t = r.json().get("translations");
        for (int i = 0; i < sentences.size(); i++) {
            assertEquals(direct.translate(sentences.get(i), 1).text(), t.get(i).get("translation").asText(), sentences.get(i));
        }
        Http.Reply one = http.post("/v1/models/translate/translate", Http.json(Map.of("sentence", "3 march 2019")));
        assertEquals(direct.translate("3 march 2019").text(), one.json().get("translations").get(0).get("translation").asText());
    }

    @Test
    void theOpenInferenceProtocolServesRawTensors() {
        assertEquals(200, http.get("/v2/health/ready").status());
        JsonNode md = http.get("/v2/models/mnist").json();
        assertEquals("mnist", md.get("name").asText());
        assertEquals(28, md.get("inputs").get(0).get("shape").get(1).asInt());
        // two images [2, 28 px, 28 rows] → [2, 10]: the network's own output
        float[] data = new float[2 * 28 * 28];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() < 0.1 ? 1f : 0f;
        }
        Http.Reply r = http.post("/v2/models/mnist/infer", Http.json(Map.of("id", "q1", "inputs",
                List.of(Map.of("name", "input", "shape", new long[] {2, 28, 28}, "datatype", "FP32", "data", data)))));
        assertEquals(200, r.status(), r.body());
        assertEquals("q1", r.json().get("id").asText());
        JsonNode out = r.json().get("outputs").get(0);
        assertEquals("[2,10]", out.get("shape").toString());
        INDArray expected = DigitClassifier.load(models.mnist).network().output(Nd4j.create(data, new long[] {2, 28, 28}, 'c'));
        for (int i = 0; i < 20; i++) {
            assertEquals(expected.getDouble(i / 10, i % 10), out.get("data").get(i).asDouble(), 1e-5);
        }
    }

    @Test
    void anyDl4jModelZipIsServedAsTensors(@TempDir Path tmp) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Path zip = tmp.resolve("plain.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        try (ModelServer s = ModelServer.start(ServeConfig.local(List.of(ModelSource.file("plain", zip))))) {
            Http h = new Http(s.url());
            assertEquals(ModelKind.tensor, s.kind("plain"));
            float[][] x = {{1, 2, 3}, {0.5f, -1, 0}};
            Http.Reply r = h.post("/v2/models/plain/infer", Http.json(Map.of("inputs",
                    List.of(Map.of("name", "input", "shape", new int[] {2, 3}, "datatype", "FP64", "data", x)))));
            assertEquals(200, r.status(), r.body());
            INDArray expected = net.output(Nd4j.create(x));
            JsonNode d = r.json().get("outputs").get(0).get("data");
            for (int i = 0; i < 4; i++) {
                assertEquals(expected.getDouble(i / 2, i % 2), d.get(i).asDouble(), 1e-5);
            }
            assertEquals(404, h.post("/v1/models/plain/classify", "{}").status());
        }
    }

    @Test
    void badRequestsGetTheirStatusAndTheServerStaysHealthy() {
        String big = "{\"values\":[" + "1,".repeat(600_000) + "1]}";
        Object[][] cases = {
            {"/v1/models/mnist/classify", "{not json", 400},
            {"/v1/models/mnist/classify", "[1,2]", 400},
            {"/v1/models/mnist/classify", "{\"pixels\": [[0.5]]}", 400},
            {"/v1/models/mnist/classify", "{\"pixels\": " + Http.json(new float[28][27]) + "}", 400},
            {"/v1/models/mnist/classify", "{\"image\": \"bm90IGFuIGltYWdl\"}", 400},
            {"/v1/models/mnist/classify", "", 400},
            {"/v1/models/nope/classify", "{}", 404},
            {"/v1/models/chars/classify", "{}", 404},
            {"/v1/models/chars/generate", "{\"prime\": \"KING\", \"length\": 100000}", 422},
            {"/v1/models/chars/generate", "{\"prime\": \"\u20ac\u20ac\"}", 422},
            {"/v1/models/chars/generate", "{\"temperature\": \"hot\"}", 400},
            {"/v1/models/translate/translate", "{\"sentences\": []}", 422},
            {"/v1/models/translate/translate", "{\"sentence\": \"3 march 2019\", \"beam\": 50}", 422},
            {"/v1/models/translate/translate", "{\"sentences\": " + Http.json(java.util.Collections.nCopies(65, "a")) + "}", 422},
            {"/v1/models/forecast/forecast", "{\"values\": [1, 2, 3]}", 422},
            {"/v1/models/forecast/forecast", "{\"values\": [1, \"x\"]}", 400},
            {"/v1/models/forecast/forecast", big, 413},
            {"/v2/models/mnist/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 28, 28], \"data\": [1, 2]}]}", 400},
            {"/v2/models/mnist/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 5, 28], \"data\": []}]}", 400},
            {"/v2/models/mnist/infer", "{\"inputs\": [{\"name\": \"other\", \"shape\": [1, 28, 28], \"data\": []}]}", 400},
            {"/v2/models/mnist/infer", "{}", 400},
        };
        for (Object[] c : cases) {
            Http.Reply r = http.post((String) c[0], (String) c[1]);
            assertEquals((int) c[2], r.status(), c[0] + " " + ((String) c[1]).substring(0, Math.min(60, ((String) c[1]).length())) + " → " + r.body());
            String err = r.json().get("error").asText();
            assertFalse(err.isBlank());
            assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "no stack trace: " + r.body());
        }
        assertEquals(404, http.get("/no/such/path").status());
        assertEquals(405, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/models/mnist/classify"))
                .method("PUT", java.net.http.HttpRequest.BodyPublishers.noBody())).status());
        assertEquals(200, http.get("/health/ready").status());
        assertEquals(200, http.post("/v1/models/chars/generate", "{\"length\": 3}").status());
    }

    @Test
    void aTokenGuardsEverythingButTheHealthChecksAndThePage() {
        String token = "0123456789abcdef0123";
        try (ModelServer s = ModelServer.start(ServeConfig.local(List.of(ModelSource.file("mnist", models.mnist))).withToken(token))) {
            Http none = new Http(s.url());
            Http wrong = new Http(s.url(), "0123456789abcdef0124");
            Http right = new Http(s.url(), token);
            String px = Http.json(Map.of("pixels", new float[28][28]));
            assertEquals(401, none.post("/v1/models/mnist/classify", px).status());
            assertEquals(401, wrong.post("/v1/models/mnist/classify", px).status());
            assertEquals(401, none.get("/metrics").status());
            assertEquals(401, none.get("/v1/models").status());
            assertEquals("Bearer", none.get("/v1/models").headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(200, right.post("/v1/models/mnist/classify", px).status());
            assertEquals(200, none.get("/health/ready").status());
            assertEquals(200, none.get("/").status());
            assertFalse(none.get("/").headers().firstValue("Access-Control-Allow-Origin").isPresent(), "no CORS unless asked");
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndNothingElse() throws Exception {
        ServeConfig cfg = ServeConfig.local(List.of(ModelSource.file("translate", models.translate))).withMaxBatch(1).withQueue(2);
        try (ModelServer s = ModelServer.start(cfg)) {
            Http h = new Http(s.url());
            String req = Http.json(Map.of("sentences", java.util.Collections.nCopies(32, "december 25, 1999"), "beam", 5));
            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                List<Future<Http.Reply>> fs = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    fs.add(pool.submit(() -> h.post("/v1/models/translate/translate", req)));
                }
                int ok = 0;
                int busy = 0;
                for (Future<Http.Reply> f : fs) {
                    Http.Reply r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertEquals(503, r.status(), r.body());
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                        busy++;
                    }
                }
                assertTrue(ok >= 1 && busy >= 1, ok + " answered, " + busy + " refused");
            } finally {
                pool.shutdown();
            }
            assertEquals(200, h.get("/health/ready").status());
            assertEquals(200, h.post("/v1/models/translate/translate", "{\"sentence\": \"3 march 2019\"}").status());
        }
    }

    @Test
    void aNewerRunReplacesTheModelUnderLoadWithoutAFailedRequest(@TempDir Path runs) throws Exception {
        Path first = runs.resolve("mnist/20260101-000000");
        Files.createDirectories(first);
        Files.copy(models.mnist, first.resolve("model.zip"));
        ServeConfig cfg = ServeConfig.local(List.of(ModelSource.newestRun("mnist", runs)));
        try (ModelServer s = ModelServer.start(cfg)) {
            Http h = new Http(s.url());
            String px = Http.json(Map.of("pixels", new float[28][28]));
            java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.ConcurrentHashMap<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.ConcurrentHashMap<Integer, Integer> versions = new java.util.concurrent.ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                clients.add(pool.submit(() -> {
                    while (go.get()) {
                        Http.Reply r = h.post("/v1/models/mnist/classify", px);
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 200) {
                            versions.merge(r.json().get("version").asInt(), 1, Integer::sum);
                        }
                    }
                }));
            }
            for (int k = 2; k <= 4; k++) {                 // three newer runs appear, each swapped in under load
                Thread.sleep(400);
                Path next = runs.resolve("mnist/2026010" + k + "-000000");
                Files.createDirectories(next);
                Files.copy(models.mnist, next.resolve("model.zip"));
                next.resolve("model.zip").toFile().setLastModified(System.currentTimeMillis() + k * 1000L);
                assertEquals(k, s.reload("mnist"));
                assertEquals(next.resolve("model.zip"), s.file("mnist"));
            }
            Thread.sleep(400);
            go.set(false);
            pool.shutdown();
            for (Future<?> f : clients) {
                f.get();
            }
            assertEquals(Map.of(200, statuses.get(200)), Map.copyOf(statuses), "every request answered 200: " + statuses);
            assertTrue(statuses.get(200) > 50, statuses.toString());
            assertTrue(versions.keySet().containsAll(List.of(1, 4)), "answers came from the old and the new versions: " + versions);
            assertTrue(h.get("/metrics").body().contains("lstm_serve_model_version{model=\"mnist\"} 4.0"));
        }
    }

    @Test
    void theWatcherSwapsInANewerRunWhenItAppears(@TempDir Path runs) throws Exception {
        Path first = runs.resolve("translate/20260101-000000");
        Files.createDirectories(first);
        Files.copy(models.translate, first.resolve("model.zip"));
        ServeConfig base = ServeConfig.local(List.of(ModelSource.newestRun("translate", runs)));
        ServeConfig cfg = new ServeConfig(base.host(), 0, base.models(), 64, 256, 4, 30_000, 1 << 20, null, null, 1, base.limits());
        try (ModelServer s = ModelServer.start(cfg)) {
            Http h = new Http(s.url());
            assertEquals(1, h.get("/v1/models/translate").json().get("version").asInt());
            Path next = runs.resolve("translate/20260102-000000");
            Files.createDirectories(next);
            Files.copy(models.translate, next.resolve("model.zip"));
            next.resolve("model.zip").toFile().setLastModified(System.currentTimeMillis() + 5000);
            int version = 1;
            for (int i = 0; i < 100 && version == 1; i++) {         // --watch 1: within a few seconds
                Thread.sleep(100);
                version = h.get("/v1/models/translate").json().get("version").asInt();
            }
            assertEquals(2, version, "the newer run was swapped in");
            assertEquals(next.resolve("model.zip"), s.file("translate"));
            Http.Reply r = h.post("/v1/models/translate/translate", "{\"sentence\": \"3 march 2019\"}");
            assertEquals(200, r.status());
            assertEquals(2, r.json().get("version").asInt());
        }
    }

    @Test
    void aRequestThatWaitsPastTheTimeoutGets504AndTheServerGoesOn() {
        ServeConfig base = ServeConfig.local(List.of(ModelSource.file("translate", models.translate)));
        ServeConfig cfg = new ServeConfig(base.host(), 0, base.models(), 64, 256, 4, 1, 1 << 20, null, null, 0, base.limits());
        try (ModelServer s = ModelServer.start(cfg)) {
            Http h = new Http(s.url());
            Http.Reply r = h.post("/v1/models/translate/translate", Http.json(Map.of("sentences",
                    java.util.Collections.nCopies(64, "wednesday 27 september 2023"), "beam", 10)));
            assertEquals(504, r.status(), r.body());
            assertTrue(r.json().get("error").asText().contains("--timeout"));
            assertEquals(200, h.get("/health/ready").status());
        }
    }

    @Test
    void closingDrainsAStreamInFlightAndRefusesNewRequests() throws Exception {
        ModelServer s = ModelServer.start(ServeConfig.local(List.of(ModelSource.file("chars", models.chars))));
        Http h = new Http(s.url());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Http.Reply> stream = pool.submit(() -> h.post("/v1/models/chars/generate",
                    Http.json(Map.of("prime", "KING", "length", 5000, "stream", true))));
            // until the stream runs (a first request on a busy machine can take seconds: the premise is checked, not assumed)
            boolean running = false;
            for (long end = System.currentTimeMillis() + 30_000; !running && System.currentTimeMillis() < end; ) {
                running = h.get("/metrics").body().contains("lstm_serve_streams_active{model=\"chars\"} 1.0");
                Thread.sleep(running ? 0 : 10);
            }
            assertTrue(running, "the stream never started");
            Thread closer = new Thread(s::close);
            closer.start();
            for (int i = 0; i < 100 && h.get("/health/ready").status() == 200; i++) {
                Thread.sleep(5);                             // until the drain has begun
            }
            Http.Reply refused = h.post("/v1/models/chars/generate", "{\"length\": 3}");
            assertEquals(503, refused.status(), "new requests are refused while draining");
            assertEquals(503, h.get("/health/ready").status());
            Http.Reply r = stream.get();
            assertEquals(200, r.status());
            assertTrue(r.body().contains("event: done"), "the stream in flight finished");
            closer.join(30_000);
            assertFalse(closer.isAlive());
        } finally {
            pool.shutdown();
        }
    }

    static double metric(String name, String labelPart) {
        double sum = 0;
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelPart)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
