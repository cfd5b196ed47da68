package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Ports;
import io.github.lstmsuite.common.report.AtomicFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm spark cluster up | down | status}: a Spark standalone cluster on this machine — a master and N
 * workers, each its own JVM, started from the Spark jars Maven resolved for this module (no Spark download), all
 * bound to 127.0.0.1. Their pid files, logs and work folders live in {@code spark-training/target/spark-cluster/};
 * {@code down} stops exactly the processes {@code up} started (and the executors their workers started).
 *
 * <p>What a standalone worker needs that a Maven class path does not give: a {@code SPARK_HOME} whose {@code jars/}
 * holds the Spark jars (the worker builds its executors' class path from it; here: links to the resolved jars) and
 * {@code SPARK_SCALA_VERSION}; on Java 17 the {@code --add-opens} flags of {@link SparkSetup#jvmOptions()}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A Spark standalone cluster on this machine (master + workers as separate JVMs on 127.0.0.1).",
        subcommands = {SparkCluster.Up.class, SparkCluster.Down.class, SparkCluster.Status.class})
public final class SparkCluster {
    private static final String DAEMON = "org.apache.spark.deploy.";

    /** The cluster's folder: pid files, cluster.properties, logs, work folders, the SPARK_HOME of links. */
    static Path home() {
        Path suite = Paths.get(System.getProperty("lstm.suite.home", ".")).toAbsolutePath().normalize();
        return suite.resolve("spark-training/target/spark-cluster");
    }

    /** A started daemon: its name ({@code master}, {@code worker-1} …) and pid. */
    record Daemon(String name, long pid) {
        /** The running process, if this pid is still a Spark daemon (a pid reused by another program is not). */
        Optional<ProcessHandle> handle() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> isDaemon(pid));
        }
    }

    private static boolean isDaemon(long pid) {
        Path cmdline = Paths.get("/proc/" + pid + "/cmdline");
        if (!Files.isReadable(cmdline)) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).map(c -> c.contains(DAEMON)).orElse(true);
        }
        try {
            return new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8).contains(DAEMON);
        } catch (IOException e) {
            return false;
        }
    }

    /** What {@code up} printed and wrote: the master URL, the web UI, the daemons. */
    public record Cluster(String master, String webUi, List<Daemon> daemons) {
    }

    static List<Daemon> daemons(Path home) {
        List<Daemon> out = new ArrayList<>();
        if (!Files.isDirectory(home)) {
            return out;
        }
        try (Stream<Path> s = Files.list(home)) {
            s.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().forEach(p -> {
                try {
                    String name = p.getFileName().toString().replace(".pid", "");
                    out.add(new Daemon(name, Long.parseLong(Files.readString(p).strip())));
                } catch (IOException | NumberFormatException e) {
                    // a damaged pid file names nothing to stop
                }
            });
        } catch (IOException e) {
            throw new UserException(home + ": cannot list (" + e.getMessage() + ")");
        }
        return out;
    }

    static Optional<String> property(Path home, String key) {
        Path f = home.resolve("cluster.properties");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newInputStream(f)) {
                p.load(in);
            }
            return Optional.ofNullable(p.getProperty(key));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code up}. */
    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start a master and --workers workers on 127.0.0.1; print the master URL.")
    static final class Up implements Callable<Cluster> {
        @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Worker JVMs (default: ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--worker-cores", paramLabel = "C", defaultValue = "1", description = "Cores each worker offers (default: ${DEFAULT-VALUE}).")
        int cores;

        @Option(names = "--worker-memory", paramLabel = "SIZE", defaultValue = "2g",
                description = "Memory each worker offers its executors, e.g. 2g (default: ${DEFAULT-VALUE}).")
        String memory;

        @Override
        public Cluster call() throws Exception {
            if (workers < 1 || cores < 1) {
                throw new UserException("--workers and --worker-cores must be at least 1");
            }
            long mb = SparkSetup.megabytes("--worker-memory", memory);
            if (mb < 512) {
                throw new UserException("--worker-memory " + memory + " is too little: an executor needs at least 512m (Spark reserves 300 MiB of it)");
            }
            Path home = home();
            List<Daemon> running = daemons(home).stream().filter(d -> d.handle().isPresent()).toList();
            if (!running.isEmpty()) {
                String master = property(home, "master").orElse("?");
                System.out.println("a cluster is already up: master " + master + " (" + running.size() + " processes; ./lstm spark cluster down stops it)");
                return new Cluster(master, property(home, "webui").orElse("?"), running);
            }
            clean(home);
            Path sparkHome = sparkHome(home);
            String java = ProcessHandle.current().info().command().orElse("java");
            String cp = System.getProperty("java.class.path");
            int port = Ports.free("127.0.0.1", 7077);
            int ui = Ports.free("127.0.0.1", 8080);
            String master = "spark://127.0.0.1:" + port;
            List<Daemon> started = new ArrayList<>();
            try {
                started.add(launch(home, sparkHome, "master", java, cp, List.of(DAEMON + "master.Master",
                        "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(ui))));
                waitForPort(port, home.resolve("logs/master.log"));
                for (int i = 1; i <= workers; i++) {
                    Path work = Files.createDirectories(home.resolve("work/worker-" + i));
                    started.add(launch(home, sparkHome, "worker-" + i, java, cp, List.of(DAEMON + "worker.Worker",
                            "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", mb + "m",
                            "--work-dir", work.toString(), "--webui-port", "0", master)));
                }
                String webUi = "http://127.0.0.1:" + ui;
                waitForWorkers(webUi, workers, home);
                AtomicFiles.writeString(home.resolve("cluster.properties"), "master=" + master + "\nwebui=" + webUi + "\nworkers=" + workers + "\n");
                System.out.println("master " + master);
                System.out.println("web UI " + webUi);
                for (Daemon d : started) {
                    System.out.println(d.name() + " pid " + d.pid());
                }
                System.out.printf("%d worker(s) × %d core(s), %s each, on 127.0.0.1; logs in %s%n", workers, cores, memory, home.resolve("logs"));
                System.out.println("next: ./lstm spark chars --master " + master + " --quick     stop: ./lstm spark cluster down");
                return new Cluster(master, webUi, started);
            } catch (RuntimeException | IOException e) {
                for (Daemon d : started) {
                    stop(d);
                }
                clean(home);
                throw e;
            }
        }
    }

    /** {@code down}. */
    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the processes 'up' started (and their executors).")
    static final class Down implements Callable<List<Daemon>> {
        @Override
        public List<Daemon> call() {
            Path home = home();
            List<Daemon> all = daemons(home);
            if (all.isEmpty()) {
                System.out.println("no cluster is up (nothing in " + home + ")");
                return all;
            }
            List<Daemon> workersFirst = new ArrayList<>(all);
            workersFirst.sort((a, b) -> Boolean.compare(a.name().equals("master"), b.name().equals("master")));
            for (Daemon d : workersFirst) {
                System.out.println((stop(d) ? "stopped " : "already gone: ") + d.name() + " (pid " + d.pid() + ")");
            }
            clean(home);
            return all;
        }
    }

    /** {@code status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "The cluster's processes and what its workers offer.")
    static final class Status implements Callable<List<Daemon>> {
        @Override
        public List<Daemon> call() {
            Path home = home();
            List<Daemon> all = daemons(home);
            if (all.isEmpty()) {
                System.out.println("no cluster is up (./lstm spark cluster up starts one)");
                return all;
            }
            System.out.println("master " + property(home, "master").orElse("?") + "   web UI " + property(home, "webui").orElse("?"));
            for (Daemon d : all) {
                System.out.println(d.name() + " pid " + d.pid() + (d.handle().isPresent() ? " running" : " NOT running"));
            }
            property(home, "webui").ifPresent(ui -> masterJson(ui).ifPresent(json -> System.out.printf(
                    "workers alive %s, cores %s (used %s), memory %s MiB (used %s)%n", field(json, "aliveworkers"), field(json, "cores"),
                    field(json, "coresused"), field(json, "memory"), field(json, "memoryused"))));
            return all;
        }
    }

    private static Daemon launch(Path home, Path sparkHome, String name, String java, String cp, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Paths.get("/usr/bin/setsid")) || Files.isExecutable(Paths.get("/bin/setsid"))) {
            cmd.add("setsid");                                     // its own session: a Ctrl-C in this terminal leaves it running
        }
        cmd.add(java);
        cmd.add("-Xmx512m");
        cmd.addAll(SparkSetup.jvmOptions());
        cmd.add("-cp");
        cmd.add(cp);
        cmd.addAll(mainAndArgs);
        Path log = Files.createDirectories(home.resolve("logs")).resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");       // the web UIs bind to it too
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        // with setsid the pid is setsid's, which execs java: the same process
        Daemon d = new Daemon(name, p.pid());
        AtomicFiles.writeString(home.resolve(name + ".pid"), p.pid() + "\n");
        return d;
    }

    /** Stops a daemon and the processes it started; false when it was not running. */
    static boolean stop(Daemon d) {
        Optional<ProcessHandle> h = d.handle();
        if (h.isEmpty()) {
            return false;
        }
        List<ProcessHandle> children = h.get().descendants().toList();
        h.get().destroy();
        for (ProcessHandle c : children) {
            c.destroy();
        }
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end && (h.get().isAlive() || children.stream().anyMatch(ProcessHandle::isAlive))) {
            sleep(100);
        }
        h.get().destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        return true;
    }

    /** Removes pid files, the properties, logs and work folders of an earlier cluster (not the SPARK_HOME links). */
    private static void clean(Path home) {
        try {
            Files.createDirectories(home);
            try (Stream<Path> s = Files.list(home)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".pid") || n.equals("cluster.properties")) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException(home + ": cannot clean (" + e.getMessage() + ")");
        }
    }

    /**
     * A SPARK_HOME whose jars/ links to the jars a Spark installation has (Spark, Scala, Hadoop and their dependencies,
     * listed in {@code spark-training/target/spark-classpath.txt} by the build) — not DL4J, ND4J or the suite's
     * classes: as on a real cluster, a job brings those ({@link SparkSetup} or {@code spark-submit} with the shaded jar).
     */
    static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("spark-home/jars"));
        try (Stream<Path> old = Files.list(jars)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Path list = home.getParent().resolve("spark-classpath.txt");
        if (!Files.isRegularFile(list)) {
            throw new UserException(list + " is missing: build the module (./mvnw -pl spark-training -am package) first");
        }
        for (String entry : Files.readString(list).strip().split(java.io.File.pathSeparator)) {
            Path p = Paths.get(entry).toAbsolutePath();
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        return home.resolve("spark-home");
    }

    private static void waitForPort(int port, Path log) {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                sleep(250);
            }
        }
        throw new UserException("the Spark master did not start listening on 127.0.0.1:" + port + " in 60 s; see " + log);
    }

    private static void waitForWorkers(String webUi, int workers, Path home) {
        long end = System.nanoTime() + 90_000_000_000L;
        String alive = "0";
        while (System.nanoTime() < end) {
            Optional<String> json = masterJson(webUi);
            if (json.isPresent()) {
                alive = field(json.get(), "aliveworkers");
                if (alive.matches("\\d+") && Integer.parseInt(alive) >= workers) {
                    return;
                }
            }
            sleep(500);
        }
        throw new UserException("only " + alive + " of " + workers + " workers registered with the master in 90 s; see " + home.resolve("logs"));
    }

    static Optional<String> masterJson(String webUi) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(webUi + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The last {@code "name" : value} of the master's JSON: the cluster's totals follow the list of workers. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^,\"}]*)").matcher(json);
        String last = "?";
        while (m.find()) {
            last = m.group(1).strip();
        }
        return last;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted");
        }
    }
}
