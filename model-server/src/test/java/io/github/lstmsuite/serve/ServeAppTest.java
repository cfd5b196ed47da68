package io.github.lstmsuite.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;

/** {@code ./lstm serve} as a user runs it ({@link ServeApp#runExample}): its flags, its one-line errors, what it prints. */
class ServeAppTest {
    /** Runs the command; {@code whileUp} gets the running server, which then stops. */
    static Cli.Captured serve(java.util.function.Consumer<ModelServer> whileUp, String... args) {
        return Cli.captured(() -> {
            ServeApp app = new ServeApp();
            app.whenStarted = whileUp;
            return Cli.run(app, args);
        });
    }

    @Test
    void servesTheNewestRunOfEachAppWithNoModelNamed(@TempDir Path runs) throws IOException {
        TrainedModels m = TrainedModels.get();
        for (Map.Entry<String, Path> e : Map.of("mnist", m.mnist, "translate", m.translate).entrySet()) {
            Path dir = runs.resolve(e.getKey()).resolve("20260101-000000");
            Files.createDirectories(dir);
            Files.copy(e.getValue(), dir.resolve("model.zip"));
        }
        List<String> seen = new ArrayList<>();
        Cli.Captured r = serve(s -> {
            seen.addAll(s.names());
            assertEquals(200, new Http(s.url()).get("/health/ready").status());
        }, "--port", "0", "--runs", runs.toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        assertEquals(List.of("mnist", "translate"), seen);
        assertTrue(r.out().contains("serving on http://127.0.0.1:"), r.out());
        assertTrue(r.out().contains("/v1/models/translate/translate"), r.out());
    }

    @Test
    void namesAModelWithNameEqualsFile() throws IOException {
        TrainedModels m = TrainedModels.get();
        List<String> seen = new ArrayList<>();
        Cli.Captured r = serve(s -> seen.addAll(s.names()), "--port", "0", "digits=" + m.mnist, m.chars.getParent().toString());
        assertEquals(0, r.outcome().exitCode(), r.err());
        assertEquals(List.of("digits", "chars"), seen);
    }

    @Test
    void badFlagsAreOneLineErrorsWithExitCode2(@TempDir Path dir) throws IOException {
        TrainedModels m = TrainedModels.get();
        Path shortToken = Files.writeString(dir.resolve("short.txt"), "abc");
        Path notModel = Files.writeString(dir.resolve("not.zip"), "not a zip");
        Object[][] cases = {
            {new String[] {"--host", "0.0.0.0", m.mnist.toString()}, "--token-file"},
            {new String[] {"--host", "0.0.0.0", "--token-file", shortToken.toString(), m.mnist.toString()}, "at least 16"},
            {new String[] {"--token-file", dir.resolve("missing").toString(), m.mnist.toString()}, "--token-file"},
            {new String[] {"--port", "70000", m.mnist.toString()}, "--port"},
            {new String[] {"--max-batch", "0", m.mnist.toString()}, "--max-batch"},
            {new String[] {dir.resolve("missing.zip").toString()}, "no such model file"},
            {new String[] {notModel.toString()}, "not.zip"},
            {new String[] {"--runs", dir.resolve("empty").toString()}, "no models to serve"},
            {new String[] {"a=" + m.mnist, "a=" + m.chars}, "two models named 'a'"},
            {new String[] {"bad name!=" + m.mnist}, "model name"},
            {new String[] {"--port", "x"}, "--port"},
        };
        for (Object[] c : cases) {
            Cli.Captured r = serve(s -> { }, (String[]) c[0]);
            assertEquals(2, r.outcome().exitCode(), String.join(" ", (String[]) c[0]) + ": " + r.err());
            String err = r.err().strip();
            assertEquals(1, err.lines().count(), "one line: " + err);
            assertTrue(err.startsWith("error: ") && err.contains((String) c[1]), err);
            assertFalse(err.contains("Exception"), err);
        }
    }

    @Test
    void everyPathOfTheOpenApiDescriptionIsServed() throws IOException {
        TrainedModels m = TrainedModels.get();
        try (ModelServer s = ModelServer.start(ServeConfig.local(m.sources()))) {
            Http h = new Http(s.url());
            JsonNode api = h.get("/openapi.json").json();
            assertEquals("3.0.3", api.get("openapi").asText());
            int checked = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = api.get("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String kind = p.getKey().endsWith("/generate") ? "chars" : p.getKey().endsWith("/forecast") ? "forecast"
                        : p.getKey().endsWith("/translate") ? "translate" : "mnist";
                String path = p.getKey().replace("{name}", kind);
                if (path.endsWith("/reload")) {
                    continue;                                    // a swap: the swap test calls it
                }
                Http.Reply r = p.getValue().has("post") ? h.post(path, "{}") : h.get(path);
                assertFalse(r.status() == 404 && r.body().contains("no such endpoint"), path + " is not served");
                assertTrue(r.status() < 500 || r.status() == 503, path + " → " + r.status() + " " + r.body());
                checked++;
            }
            assertTrue(checked >= 17, checked + " paths");
        }
    }
}
