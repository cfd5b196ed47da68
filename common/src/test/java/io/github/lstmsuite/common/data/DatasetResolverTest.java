package io.github.lstmsuite.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.lstmsuite.common.UserException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution order bundled → cache → download, checksums, and the offline error. Network: loopback only. */
class DatasetResolverTest {
    @TempDir
    Path dir;
    private HttpServer server;

    private static final byte[] CONTENT = "the content of a tiny data file\n".getBytes();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(b);
        }
        return bos.toByteArray();
    }

    private DatasetFile file(List<String> urls) throws Exception {
        return new DatasetFile("tiny", "tiny.txt.gz", sha(CONTENT), urls);
    }

    private DatasetResolver resolver() {
        return new DatasetResolver(dir.resolve("bundled"), dir.resolve("cache"), new PrintStream(OutputStream.nullOutputStream()));
    }

    private String serve(byte[] body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/tiny.txt.gz", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/tiny.txt.gz";
    }

    @Test
    void bundledFileWinsAndIsVerifiedByDecompressedContent() throws Exception {
        Path bundled = dir.resolve("bundled/tiny/tiny.txt.gz");
        Files.createDirectories(bundled.getParent());
        Files.write(bundled, gzip(CONTENT));
        assertEquals(bundled, resolver().resolve(file(List.of())));
    }

    @Test
    void cachedFileIsUsedWhenNothingIsBundled() throws Exception {
        Path cached = dir.resolve("cache/tiny/tiny.txt.gz");
        Files.createDirectories(cached.getParent());
        Files.write(cached, gzip(CONTENT));
        assertEquals(cached, resolver().resolve(file(List.of())));
    }

    @Test
    void checksumMismatchIsAnErrorNamingTheFile() throws Exception {
        Path bundled = dir.resolve("bundled/tiny/tiny.txt.gz");
        Files.createDirectories(bundled.getParent());
        Files.write(bundled, gzip("tampered".getBytes()));
        UserException e = assertThrows(UserException.class, () -> resolver().resolve(file(List.of())));
        assertTrue(e.getMessage().contains(bundled.toString()) && e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void downloadsIntoTheCacheAndVerifies() throws Exception {
        String url = serve(gzip(CONTENT));
        Path got = resolver().resolve(file(List.of(url)));
        assertEquals(dir.resolve("cache/tiny/tiny.txt.gz"), got);
        assertArrayEquals(CONTENT, ContentHash.openContent(got).readAllBytes());
        // second time: from the cache, no server needed
        server.stop(0);
        server = null;
        assertEquals(got, resolver().resolve(file(List.of(url))));
    }

    @Test
    void aCorruptDownloadIsRejectedAndLeavesNothingBehind() throws Exception {
        String url = serve(gzip("something else".getBytes()));
        UserException e = assertThrows(UserException.class, () -> resolver().resolve(file(List.of(url))));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        Path cacheDir = dir.resolve("cache/tiny");
        try (var files = Files.list(cacheDir)) {
            assertEquals(0, files.count(), "no partial or temporary file may remain");
        }
    }

    @Test
    void anOversizedDownloadIsCutOffAndLeavesNothingBehind() throws Exception {
        byte[] big = new byte[50_000];
        new java.util.Random(1).nextBytes(big);
        for (long announced : new long[] {big.length, 0}) {          // with Content-Length, then chunked (no length)
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/tiny.txt.gz", ex -> {
                ex.sendResponseHeaders(200, announced);
                ex.getResponseBody().write(big);
                ex.close();
            });
            server.start();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/tiny.txt.gz";
            DatasetResolver capped = new DatasetResolver(dir.resolve("bundled"), dir.resolve("cache"),
                    new PrintStream(OutputStream.nullOutputStream()), 10_000);
            UserException e = assertThrows(UserException.class, () -> capped.resolve(file(List.of(url))));
            assertTrue(e.getMessage().contains("10,000-byte limit"), e.getMessage());
            try (var files = Files.list(dir.resolve("cache/tiny"))) {
                assertEquals(0, files.count(), "no partial or temporary file may remain");
            }
            server.stop(0);
            server = null;
        }
    }

    @Test
    void offlineWithNoCopySaysWhereToPutTheFile() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        UserException e = assertThrows(UserException.class,
                () -> resolver().resolve(file(List.of("http://127.0.0.1:" + closedPort + "/tiny.txt.gz"))));
        assertTrue(e.getMessage().contains("put a copy at " + dir.resolve("cache/tiny/tiny.txt.gz")), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
