package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.report.RunDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/**
 * {@code ./lstm serve}: the trained models behind an HTTP API, with a page to try them. With no model given it
 * serves the newest full run of each app that has one (and follows {@code runs/<app>}: a newer run replaces
 * the served model without downtime).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, version = "lstm-suite serve 0.1.0",
        description = {"Serve trained models over HTTP: classify, generate (streamed), forecast, translate, the Open Inference",
                "Protocol for raw tensors, health, Prometheus metrics and a page to try each model at /.",
                "MODEL: a model.zip, a run folder, or NAME=FILE to choose its name (default: the app's name)."})
public final class ServeApp implements Callable<ServeApp.Result> {

    /** What {@code serve} returns when it has stopped: where it listened and what it served. */
    public record Result(String url, List<String> models) {
    }

    @Mixin
    ServingOptions serving = new ServingOptions();

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServeConfig.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 = a free one, printed).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); any other needs --token-file.")
    String host;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the bearer token every API call must carry.")
    Path tokenFile;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Allow cross-origin calls from this origin (default: none).")
    String corsOrigin;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Answer 504 after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request body; beyond it 413 (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--watch", paramLabel = "SECONDS", defaultValue = "10",
            description = "Look this often for a newer run (or a changed file) and swap it in; 0 = only on POST .../reload (default: ${DEFAULT-VALUE}).")
    int watch;

    @Option(names = "--threads", paramLabel = "N", description = "CPU cores the LSTM layers use (default: all).")
    Integer threads;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    boolean verbose;

    /** Set by tests: called with the running server instead of waiting for a signal. */
    java.util.function.Consumer<ModelServer> whenStarted;

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the server as the command line does; returns when it stops. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.run(new ServeApp(), args);
    }

    @Override
    public Result call() throws InterruptedException {
        ServeConfig cfg = config();
        NativeSetup.apply(threads);
        ModelServer server = ModelServer.start(cfg);
        System.out.println("serving on " + server.url() + "   (the page: " + server.url() + "/)");
        for (String name : server.names()) {
            ModelKind k = server.kind(name);
            System.out.printf("  %-10s %-9s v%d  %s%n", name, k, server.version(name), server.file(name));
            System.out.printf("  %-10s %-9s      POST %s/v1/models/%s/%s%n", "", "", server.url(), name, k.endpoint() == null ? "…" : k.endpoint());
        }
        System.out.println("also: /v2/models/NAME/infer (Open Inference Protocol), /health/ready, /metrics, /openapi.json");
        System.out.println("stop with Ctrl-C or SIGTERM: requests in flight finish first");
        System.out.flush();
        if (whenStarted != null) {
            try {
                whenStarted.accept(server);
            } finally {
                server.close();
            }
            return new Result(server.url(), server.names());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping: draining requests in flight…");
            server.close();
            stopped.countDown();
        }, "serve shutdown"));
        stopped.await();
        return new Result(server.url(), server.names());
    }

    /** The flags as a {@link ServeConfig}; a bad one is a one-line {@link UserException} naming it. */
    ServeConfig config() {
        if (port < 0 || port > 65535) {
            throw new UserException("--port must be 0 to 65535, got " + port);
        }
        serving.check();
        for (Object[] f : new Object[][] {{"--timeout", timeoutSeconds}, {"--max-body", maxBody}}) {
            if ((int) f[1] < 1) {
                throw new UserException(f[0] + " must be at least 1, got " + f[1]);
            }
        }
        if (watch < 0) {
            throw new UserException("--watch must be 0 or more seconds, got " + watch);
        }
        String token = null;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UserException("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")");
            }
            if (token.length() < 16) {
                throw new UserException("--token-file " + tokenFile + ": the token has " + token.length()
                        + " characters; use at least 16 (e.g. openssl rand -hex 24 > " + tokenFile + ")");
            }
        }
        if (!isLoopback(host) && token == null) {
            throw new UserException("--host " + host + ": other machines could reach the models; give --token-file FILE "
                    + "(a bearer token every call must carry), or keep the default 127.0.0.1");
        }
        return new ServeConfig(host, port, serving.sources(), serving.maxBatch, serving.queue, serving.streams, timeoutSeconds * 1000L,
                maxBody, token, corsOrigin, watch, ServeConfig.FieldLimits.defaults(), serving.maxDelayMicros());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            throw new UserException("--host " + host + ": not an address of this machine (" + e.getMessage() + ")");
        }
    }

    /**
     * What to serve, from the command line's model arguments: each a model file, a run folder, or NAME=FILE;
     * none = the newest full run of each app under {@code runs}. One-line {@link UserException}s otherwise.
     */
    public static List<ModelSource> sources(List<String> modelArgs, Path runs) {
        List<ModelSource> out = new ArrayList<>();
        if (modelArgs.isEmpty()) {
            for (ModelKind kind : ModelKind.values()) {       // each app's newest run
                if (kind == ModelKind.tensor) {
                    continue;
                }
                String app = kind.name();
                try {
                    RunDirs.newestModel(runs.resolve(app), app);
                    out.add(ModelSource.newestRun(app, runs));
                } catch (UserException e) {
                    // no run of this app: nothing to serve for it
                }
            }
            if (out.isEmpty()) {
                throw new UserException("no models to serve: none under " + runs.toAbsolutePath()
                        + " (train one, e.g. ./lstm mnist) and none named (./lstm serve MODEL.zip)");
            }
            return out;
        }
        for (String arg : modelArgs) {
            String name = null;
            String file = arg;
            int eq = arg.indexOf('=');
            if (eq > 0 && !Files.exists(Paths.get(arg))) {
                name = arg.substring(0, eq);
                file = arg.substring(eq + 1);
            }
            Path p = Paths.get(file);
            if (Files.isDirectory(p)) {
                p = p.resolve("model.zip");
            }
            if (!Files.isRegularFile(p)) {
                throw new UserException(file + ": no such model file (expected a model.zip or a run folder holding one)");
            }
            if (name == null) {
                ModelKind k = ServedModel.kindOf(p);
                name = k != ModelKind.tensor ? k.name() : stem(p);
            }
            out.add(ModelSource.file(name, p));
        }
        return out;
    }

    /** A plain model's default name: its run folder's name for {@code model.zip}, else the file name without {@code .zip}. */
    private static String stem(Path p) {
        String f = p.getFileName().toString();
        if (f.equals("model.zip") && p.toAbsolutePath().getParent() != null) {
            f = p.toAbsolutePath().getParent().getFileName().toString();
        }
        return f.replaceAll("\\.zip$", "").replaceAll("[^A-Za-z0-9_.-]", "-");
    }
}
