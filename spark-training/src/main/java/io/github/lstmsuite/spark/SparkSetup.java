package io.github.lstmsuite.spark;

import io.github.lstmsuite.common.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starting Spark for a training job, with everything DL4J's Spark training needs on Java 17 that Spark does
 * not do by itself: the master URL checked before Spark tries it (one line, not a minute of retries), the
 * {@code --add-opens} flags and {@code OMP_NUM_THREADS=1} for the executors, the suite's class folders on the
 * executors' class path (so {@code FastLstm} and friends deserialise there), the executor memory checked against
 * what the model needs, and a one-line error when no executor comes up.
 */
public final class SparkSetup {
    /** The JVM flags Spark needs on Java 17 (one list: the launcher, the tests and the executors read it). */
    public static final String JVM_OPTIONS_RESOURCE = "/io/github/lstmsuite/spark/spark-jvm.options";

    private static final String TIME_SOURCE_PROPERTY = org.deeplearning4j.config.DL4JSystemProperties.TIMESOURCE_CLASSNAME_PROPERTY;
    private static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";
    private static final String AERON_UNBLOCK = "aeron.publication.unblock.timeout";
    private static final String AERON_UNBLOCK_NS = "60000000000";
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+|\\*)(,\\d+)?])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://([A-Za-z0-9.\\-]+:\\d{1,5})(,[A-Za-z0-9.\\-]+:\\d{1,5})*");
    private static final Pattern K8S = Pattern.compile("k8s://https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?");

    private SparkSetup() {
    }

    /**
     * What a job asks of Spark.
     *
     * @param master         {@code local[N]}, {@code spark://HOST:PORT}, {@code yarn} or {@code k8s://https://HOST:PORT}
     * @param workers        executors (one core each) for a cluster; threads for {@code local[N]} come from the URL
     * @param executorMemory e.g. {@code 1g}, {@code 1536m}
     */
    public record Settings(String master, int workers, String executorMemory) {
    }

    /** The JVM flags of {@link #JVM_OPTIONS_RESOURCE}. */
    public static List<String> jvmOptions() {
        try (InputStream in = SparkSetup.class.getResourceAsStream(JVM_OPTIONS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the form of {@code master} (and, for {@code spark://}, that something listens there). */
    public static void checkMaster(String master) {
        if (master == null || master.isBlank()) {
            throw new UserException("--master is required: local[2], spark://HOST:PORT (./lstm spark cluster up starts one here), yarn or k8s://https://HOST:PORT");
        }
        if (LOCAL.matcher(master).matches() || master.equals("yarn") || K8S.matcher(master).matches()) {
            return;
        }
        Matcher m = STANDALONE.matcher(master);
        if (!m.matches()) {
            throw new UserException("--master: '" + master + "' is not a Spark master URL (expected local[N], spark://HOST:PORT, yarn or k8s://https://HOST:PORT)");
        }
        String problem = null;
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hostPort.substring(0, colon), port), 3000);
                return;                                            // one master of the list answers
            } catch (IOException e) {
                problem = e.getMessage();
            }
        }
        throw new UserException("--master " + master + ": nothing answers there (" + problem
                + "); start a cluster with ./lstm spark cluster up, or check the address");
    }

    /** {@code 1g}, {@code 512m}, {@code 1536m} … in MiB; anything else is a one-line error naming {@code flag}. */
    public static long megabytes(String flag, String size) {
        Matcher m = Pattern.compile("(\\d+)([kmgt]?)b?").matcher(size == null ? "" : size.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UserException(flag + ": '" + size + "' is not a memory size (expected e.g. 512m or 2g)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> Math.max(1, n / 1024);
            case "g" -> n * 1024;
            case "t" -> n * 1024 * 1024;
            default -> n;                                          // m, or none: Spark reads a bare number as MiB
        };
    }

    /**
     * The executor memory a model needs, in MiB: Spark's own reserve (300 MiB) and working memory, plus ND4J's
     * buffers — which JavaCPP bounds by the same heap limit — for the parameters, their gradients and Adam's two
     * moments (4 × 4 bytes each), and one mini-batch's activations kept for backpropagation.
     *
     * @param parameters       the network's parameter count
     * @param activationFloats floats of activations one mini-batch keeps (batch × steps × units over the layers)
     */
    public static long neededMegabytes(long parameters, long activationFloats) {
        long nd4jBytes = 16L * parameters + 4L * 3 * activationFloats;   // ×3: activations, their gradients, scratch
        return 300 + 150 + 2 * nd4jBytes / (1024 * 1024);                 // ×2: the heap must also hold copies in flight
    }

    /**
     * Starts the Spark context for {@code app}: checks the master and Spark's memory minimum, sets what the executors need,
     * and waits (up to 60 s) for {@code settings.workers()} executors on a cluster.
     */
    public static JavaSparkContext start(String app, Settings settings) {
        checkMaster(settings.master());
        long mb = megabytes("--executor-memory", settings.executorMemory());
        if (mb < 512) {
            throw new UserException("--executor-memory " + settings.executorMemory() + " is too little: Spark needs at least 512m per executor "
                    + "(it reserves 300 MiB and refuses less than 450 MiB), and the model more");
        }
        checkWorkerMemory(settings.master(), mb, settings.executorMemory());
        if (settings.workers() < 1) {
            throw new UserException("--workers must be at least 1, got " + settings.workers());
        }
        boolean local = settings.master().startsWith("local");
        // DL4J's Spark timing statistics ask an NTP server on the internet (pool.ntp.org) for the time by default,
        // and fail after 10 tries without one: take the machines' clocks (kept in step by NTP on a real cluster)
        System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
        // SharedTrainingMaster's Aeron transport sets a client liveness timeout (30 s) above the publication unblock
        // timeout that the Aeron it ships with (1.32) defaults to (15 s), which that Aeron refuses at start: raise the latter
        System.setProperty(AERON_UNBLOCK, AERON_UNBLOCK_NS);
        SparkConf conf = new SparkConf().setAppName("lstm-suite " + app).setMaster(settings.master())
                .set("spark.executor.memory", settings.executorMemory())
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", Integer.toString(settings.workers()))
                .set("spark.executor.extraJavaOptions", String.join(" ", jvmOptions())
                        + " -Dlstm.suite.workers=1 -D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK + " -D" + AERON_UNBLOCK + "=" + AERON_UNBLOCK_NS)
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.ui.enabled", "false")                 // the job's own UI: the cluster's web UI shows the job
                .set("spark.ui.showConsoleProgress", "false");
        if (System.getProperty("spark.submit.deployMode") == null && (local || onThisMachine(settings.master()))) {
            // a cluster on this machine (./lstm spark cluster up) has Spark's jars only: its executors read the rest
            // (DL4J, ND4J, the suite's classes) from this JVM's class path, on the same disk. Under spark-submit the
            // application jar (the shaded one) is shipped to the executors instead; a remote cluster needs that jar.
            conf.set("spark.executor.extraClassPath", classPath());
        }
        if (local || onThisMachine(settings.master())) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        if (!local) {
            long end = System.nanoTime() + 60_000_000_000L;
            while (executors(sc) < settings.workers() && System.nanoTime() < end) {
                sleep(250);
            }
            if (executors(sc) < settings.workers()) {
                int got = executors(sc);
                sc.stop();
                throw new UserException("only " + got + " of " + settings.workers() + " executors started on " + settings.master()
                        + " in 60 s: each needs a free core and " + settings.executorMemory() + " of a worker's memory "
                        + "(./lstm spark cluster status, or the master's web UI, shows what the workers offer)");
            }
        }
        return sc;
    }

    /**
     * For a standalone master: asks its web UI (this machine's cluster's, or port 8080 of the master's host) what
     * memory its workers have free, and refuses at once, in one line, when none can hold one executor — Spark
     * itself would only wait, warning that the job "has not accepted any resources". No answer: no check.
     */
    static void checkWorkerMemory(String master, long executorMb, String executorMemory) {
        if (!master.startsWith("spark://")) {
            return;
        }
        String first = master.substring("spark://".length()).split(",")[0];
        String host = first.substring(0, first.lastIndexOf(':'));
        String webUi = SparkCluster.property(SparkCluster.home(), "master").filter(master::equals).isPresent()
                ? SparkCluster.property(SparkCluster.home(), "webui").orElse(null) : "http://" + host + ":8080";
        if (webUi == null) {
            return;
        }
        SparkCluster.masterJson(webUi).ifPresent(json -> {
            Matcher m = Pattern.compile("\"memoryfree\"\\s*:\\s*(\\d+)").matcher(json);
            long best = -1;
            while (m.find()) {
                best = Math.max(best, Long.parseLong(m.group(1)));
            }
            if (best >= 0 && best < executorMb) {
                throw new UserException("the workers of " + master + " have at most " + best + " MiB free each, less than --executor-memory "
                        + executorMemory + " (" + executorMb + " MiB): lower --executor-memory, or start workers with more "
                        + "(./lstm spark cluster up --worker-memory " + Math.max(1, (executorMb + 1023) / 1024) + "g)");
            }
        });
    }

    /**
     * Refuses (one line) an {@code --executor-memory} below what the model needs, {@code neededMb} from
     * {@link #neededMegabytes}; {@code local[N]} runs in this JVM's heap and is not checked.
     */
    public static void checkModelMemory(Settings settings, long neededMb) {
        if (settings.master().startsWith("local")) {
            return;
        }
        if (megabytes("--executor-memory", settings.executorMemory()) < neededMb) {
            throw new UserException("--executor-memory " + settings.executorMemory() + " is too little for this model: an executor needs about "
                    + neededMb + " MiB (Spark's reserve, the parameters with their gradients and Adam state, a mini-batch's activations); "
                    + "use --executor-memory " + roundUp(neededMb) + " or more");
        }
    }

    /** Executors registered with the driver (the driver itself not counted). */
    static int executors(JavaSparkContext sc) {
        return Math.max(0, sc.sc().getExecutorMemoryStatus().size() - 1);
    }

    private static boolean onThisMachine(String master) {
        return master.startsWith("spark://127.0.0.1:") || master.startsWith("spark://localhost:");
    }

    /** This JVM's class path, every entry absolute. */
    static String classPath() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                out.add(Paths.get(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static String roundUp(long mb) {
        return mb % 256 == 0 ? mb + "m" : ((mb / 256) + 1) * 256 + "m";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while waiting for executors");
        }
    }
}
