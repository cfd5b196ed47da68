package io.github.lstmsuite.common.data;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a data set file: bundled in the repository → the user cache → a download.
 *
 * <ol>
 *   <li>{@code <bundledDir>/<dataset>/<file>}: the copy that ships in the repository's {@code data/}
 *       folder, so the apps run offline out of the box;</li>
 *   <li>{@code <cacheDir>/<dataset>/<file>}: the user cache, {@code ~/.lstm-suite/data} unless
 *       {@code LSTM_SUITE_DATA} or {@code -Dlstm.suite.data} say otherwise;</li>
 *   <li>a download from the file's canonical URLs, in order, with a progress bar, written to a
 *       temporary file, checked against the content sha256, then renamed into the cache.</li>
 * </ol>
 * A bundled or cached file whose checksum does not match is an error (never silently replaced);
 * no copy and no network is a one-line error that says where to put the file.
 */
public final class DatasetResolver {
    private final Path bundledDir;
    private final Path cacheDir;
    private final HttpClient http;
    private final PrintStream progress;
    private final long maxDownloadBytes;

    /** The largest download accepted by default (system property {@code lstm.suite.maxDownloadMB} to change). */
    public static final long DEFAULT_MAX_DOWNLOAD_BYTES = Long.getLong("lstm.suite.maxDownloadMB", 256) * 1_000_000L;

    /**
     * @param bundledDir the repository's {@code data/} folder, or {@code null} if there is none
     * @param cacheDir   the user cache folder
     * @param progress   where download progress goes (stderr in the apps), or {@code null} for none
     */
    public DatasetResolver(Path bundledDir, Path cacheDir, PrintStream progress) {
        this(bundledDir, cacheDir, progress, DEFAULT_MAX_DOWNLOAD_BYTES);
    }

    /**
     * As above, with a cap on a download's size: a server that announces or sends more is cut off (the
     * data sets the suite knows are all far smaller), and nothing is left behind.
     */
    public DatasetResolver(Path bundledDir, Path cacheDir, PrintStream progress, long maxDownloadBytes) {
        this.maxDownloadBytes = maxDownloadBytes;
        this.bundledDir = bundledDir;
        this.cacheDir = cacheDir;
        this.progress = progress;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** The resolver the apps use: bundled {@code data/} found from the working directory up, the default cache. */
    public static DatasetResolver standard() {
        return new DatasetResolver(findBundledDir(), defaultCacheDir(), System.err);
    }

    /** {@code -Dlstm.suite.data}, else {@code $LSTM_SUITE_DATA}, else {@code ~/.lstm-suite/data}. */
    public static Path defaultCacheDir() {
        String prop = System.getProperty("lstm.suite.data");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        String env = System.getenv("LSTM_SUITE_DATA");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(System.getProperty("user.home"), ".lstm-suite", "data");
    }

    /**
     * The repository's bundled {@code data/} folder: {@code -Dlstm.suite.home}/data (the launcher sets
     * it), else the first {@code data/} holding a {@code BUNDLED.md} found from the working directory up.
     */
    public static Path findBundledDir() {
        String home = System.getProperty("lstm.suite.home");
        if (home != null && !home.isBlank()) {
            return Paths.get(home, "data");
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data").resolve("BUNDLED.md"))) {
                return p.resolve("data");
            }
        }
        return null;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** Returns a verified local copy of {@code file}, downloading it into the cache if needed. */
    public Path resolve(DatasetFile file) {
        if (bundledDir != null) {
            Path bundled = bundledDir.resolve(file.dataset()).resolve(file.fileName());
            if (Files.isRegularFile(bundled)) {
                return verified(bundled, file);
            }
        }
        Path cached = cacheDir.resolve(file.dataset()).resolve(file.fileName());
        if (Files.isRegularFile(cached)) {
            return verified(cached, file);
        }
        List<String> failures = new ArrayList<>();
        for (String url : file.urls()) {
            try {
                download(url, cached, file);
                return cached;
            } catch (IOException e) {
                failures.add(url + ": " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserException("download of " + file.fileName() + " interrupted");
            }
        }
        throw new UserException("data file " + file.fileName() + " not found"
                + (bundledDir != null ? " in " + bundledDir.resolve(file.dataset()) : "")
                + " nor in " + cached.getParent() + ", and the download failed ("
                + (failures.isEmpty() ? "no URL known" : String.join("; ", failures))
                + "): put a copy at " + cached);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
    }

    private static Path verified(Path path, DatasetFile file) {
        String actual = ContentHash.sha256(path);
        if (!actual.equals(file.sha256())) {
            throw new UserException(path + ": content sha256 is " + actual + ", expected " + file.sha256()
                    + " (a damaged or different file: delete it to download again)");
        }
        return path;
    }

    private void download(String url, Path target, DatasetFile file) throws IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(10))
                .header("User-Agent", "lstm-suite")
                .GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode());
        }
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (total > maxDownloadBytes) {
            response.body().close();
            throw new IOException(String.format("the server announces %,d bytes, more than the %,d-byte limit", total, maxDownloadBytes));
        }
        Path tmp = AtomicFiles.tempSibling(target);
        try {
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                long done = 0;
                long lastShown = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    if (done > maxDownloadBytes) {
                        throw new IOException(String.format("the server sent more than the %,d-byte limit", maxDownloadBytes));
                    }
                    if (progress != null && (done - lastShown > (1 << 20) || done == total)) {
                        lastShown = done;
                        progress.print("\r" + bar(file.fileName(), done, total));
                    }
                }
                if (progress != null) {
                    progress.println();
                }
            }
            String actual = ContentHash.sha256(tmp);
            if (!actual.equals(file.sha256())) {
                throw new IOException("content sha256 " + actual + " does not match the expected " + file.sha256());
            }
            AtomicFiles.moveInto(tmp, target);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String bar(String name, long done, long total) {
        if (total <= 0) {
            return String.format("downloading %s %.1f MB", name, done / 1e6);
        }
        int width = 30;
        int filled = (int) (width * done / total);
        return String.format("downloading %s [%s%s] %3d%% %.1f/%.1f MB", name, "#".repeat(filled),
                " ".repeat(width - filled), 100 * done / total, done / 1e6, total / 1e6);
    }
}
