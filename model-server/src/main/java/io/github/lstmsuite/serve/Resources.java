package io.github.lstmsuite.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The static files the server sends: the page and the API's OpenAPI description. */
final class Resources {
    static final String PAGE = read("page.html");
    static final String OPENAPI = read("openapi.json");

    private Resources() {
    }

    private static String read(String name) {
        try (InputStream in = Resources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
