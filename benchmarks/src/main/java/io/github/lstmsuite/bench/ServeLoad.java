package io.github.lstmsuite.bench;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.data.IdxReader;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.serve.ModelKind;
import io.github.lstmsuite.serve.ModelServer;
import io.github.lstmsuite.serve.ModelSource;
import io.github.lstmsuite.serve.ServingOptions;
import io.github.lstmsuite.serve.ServeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/**
 * {@code ./lstm bench serve}: the model server under load on loopback, from this JVM. For each app, closed-loop
 * clients (each sends a request, waits for the answer, sends the next) at each concurrency, against the server
 * with dynamic batching and against one that serves one request at a time ({@code --max-batch 1}; for the char
 * model, one stream at a time), the two alternating round by round. Prints requests/s and the p50/p99 latency
 * (HdrHistogram). {@code --soak-minutes} then holds one load for that long and prints the resident memory.
 *
 * <p>The clients are plain HTTP/1.1 keep-alive connections on raw sockets (a load generator's own client,
 * like wrk's: cheap next to the server, so the figures are the server's). It only connects to 127.0.0.1.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"The model server under a loopback load: requests/s and p50/p99 latency per app and concurrency,",
                "dynamic batching against one request at a time; optionally a soak with the resident memory."})
public final class ServeLoad implements Callable<ServeLoad.Result> {
    /** One measured cell. */
    public record Cell(String app, String mode, int clients, int round, double seconds, long ok, long refused, long failed,
                       double requestsPerSecond, double p50ms, double p99ms, double meanBatch) {
    }

    /** One soak sample. */
    public record SoakSample(double minute, double requestsPerSecond, double p99ms, long rssMb, long failed, long refused) {
    }

    /** Everything measured. */
    public record Result(List<Cell> cells, List<SoakSample> soak) {
    }

    /** The models, and the batched server's settings (the other serves one request, one stream, at a time). */
    @Mixin
    ServingOptions serving = new ServingOptions();

    @Option(names = "--clients", paramLabel = "N", split = ",", defaultValue = "1,8,32,128",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "8", description = "Measured seconds per cell (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "Rounds, batched and one-at-a-time alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--length", paramLabel = "N", defaultValue = "100", description = "Characters per generation request (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--beam", paramLabel = "K", description = "Beam width of the translate requests (default: the model's).")
    Integer beam;

    @Option(names = "--soak-minutes", paramLabel = "M", defaultValue = "0", description = "Then hold --soak-clients on --soak-app this long (default: none).")
    double soakMinutes;

    @Option(names = "--soak-clients", paramLabel = "N", defaultValue = "32", description = "Clients of the soak (default: ${DEFAULT-VALUE}).")
    int soakClients;

    @Option(names = "--soak-app", paramLabel = "NAME", defaultValue = "mnist", description = "The model the soak loads (default: ${DEFAULT-VALUE}).")
    String soakApp;

    @Option(names = "--only-soak", description = "Skip the table; run the soak alone.")
    boolean onlySoak;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path out;

    @Override
    public Result call() throws Exception {
        NativeSetup.apply(null);
        if (seconds <= 0 || rounds < 1 || clients.stream().anyMatch(c -> c < 1 || c > 1024)) {
            throw new UserException("--seconds must be > 0, --rounds ≥ 1 and --clients 1 to 1024");
        }
        serving.check();
        List<ModelSource> sources = serving.sources();
        List<Cell> cells = new ArrayList<>();
        System.out.printf("%-10s %-14s %7s %10s %9s %9s %8s %8s %7s%n", "model", "serving", "clients", "req/s", "p50 ms", "p99 ms", "503s", "failed", "batch");
        if (!onlySoak) {
            for (ModelSource src : sources) {
                cells.addAll(measure(src));
            }
        }
        List<SoakSample> soak = new ArrayList<>();
        if (soakMinutes > 0) {
            ModelSource src = sources.stream().filter(s -> s.name().equals(soakApp)).findFirst()
                    .orElseThrow(() -> new UserException("--soak-app " + soakApp + ": not among the models served"));
            soak = soak(src);
        }
        Result r = new Result(cells, soak);
        if (out != null) {
            io.github.lstmsuite.common.report.AtomicFiles.writeString(out, Json.write(r));
            System.out.println("written: " + out);
        }
        return r;
    }

    private ServeConfig config(ModelSource src, boolean batched) {
        ServeConfig c = ServeConfig.local(List.of(src));
        return new ServeConfig(c.host(), 0, c.models(), batched ? serving.maxBatch : 1, serving.queue, batched ? serving.streams : 1,
                60_000, c.maxBody(), null, null, 0, c.limits(), batched ? serving.maxDelayMicros() : 0);
    }

    private List<Cell> measure(ModelSource src) throws Exception {
        List<Cell> cells = new ArrayList<>();
        try (ModelServer batched = ModelServer.start(config(src, true)); ModelServer single = ModelServer.start(config(src, false))) {
            Workload w = workload(batched, src.name());
            String bName = w.kind == ModelKind.chars ? "streams " + serving.streams : "batch ≤ " + serving.maxBatch;
            String sName = w.kind == ModelKind.chars ? "1 stream" : "one at a time";
            int most = clients.stream().mapToInt(Integer::intValue).max().orElse(4);
            for (ModelServer s : List.of(batched, single)) {
                run(s, w, 4, Math.min(2, seconds));                    // warm-up: the JIT, the first batches,
                run(s, w, Math.min(most, 32), Math.min(2, seconds));   // and the paths of many clients
            }
            for (int c : clients) {
                for (int round = 1; round <= rounds; round++) {
                    for (boolean b : new boolean[] {true, false}) {
                        Cell cell = run(b ? batched : single, w, c, seconds).cell(src.name(), b ? bName : sName, c, round);
                        cells.add(cell);
                        System.out.printf(Locale.ROOT, "%-10s %-14s %7d %10.1f %9.2f %9.2f %8d %8d %7.1f%n", cell.app(), cell.mode(), c,
                                cell.requestsPerSecond(), cell.p50ms(), cell.p99ms(), cell.refused(), cell.failed(), cell.meanBatch());
                    }
                }
            }
        }
        return cells;
    }

    private List<SoakSample> soak(ModelSource src) throws Exception {
        List<SoakSample> samples = new ArrayList<>();
        try (ModelServer s = ModelServer.start(config(src, true))) {
            Workload w = workload(s, src.name());
            System.out.printf("soak: %s, %d clients, %.1f minutes; a sample every 30 s%n", src.name(), soakClients, soakMinutes);
            System.out.printf("%7s %10s %9s %8s %8s %8s%n", "minute", "req/s", "p99 ms", "RSS MB", "503s", "failed");
            Load load = new Load(s.port(), w, soakClients);
            long t0 = System.nanoTime();
            long end = t0 + (long) (soakMinutes * 60e9);
            try {
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    Load.Window win = load.window();
                    SoakSample x = new SoakSample((System.nanoTime() - t0) / 60e9, win.ok / win.seconds,
                            win.hist.getValueAtPercentile(99) / 1000.0, rssMb(), win.failed, win.refused);
                    samples.add(x);
                    System.out.printf(Locale.ROOT, "%7.1f %10.1f %9.2f %8d %8d %8d%n", x.minute(), x.requestsPerSecond(), x.p99ms(),
                            x.rssMb(), x.refused(), x.failed());
                }
            } finally {
                load.stop();
            }
        }
        if (samples.size() > 2) {
            long first = samples.get(1).rssMb();                    // after the first half-minute's warm-up
            long lo = samples.stream().skip(1).mapToLong(SoakSample::rssMb).min().orElse(0);
            long hi = samples.stream().skip(1).mapToLong(SoakSample::rssMb).max().orElse(0);
            System.out.printf(Locale.ROOT, "resident memory after the first minute: %d MB, then %d to %d MB (%+.1f%% / %+.1f%%)%n",
                    first, lo, hi, 100.0 * (lo - first) / first, 100.0 * (hi - first) / first);
        }
        return samples;
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    // ------------------------------------------------------------------ the requests

    /** What a client sends to one model: request bodies it cycles through. */
    private record Workload(ModelKind kind, String path, List<byte[]> bodies) {
    }

    private Workload workload(ModelServer s, String name) throws IOException {
        ModelKind kind = s.kind(name);
        List<byte[]> bodies = new ArrayList<>();
        Path home = Paths.get(System.getProperty("lstm.suite.home", "."));
        switch (kind) {
            case mnist -> {
                Path file = home.resolve("data/mnist/t10k-images-idx3-ubyte.gz");
                IdxReader.Images img = Files.isRegularFile(file) ? IdxReader.readImages(file) : null;
                Random rnd = new Random(1);
                for (int i = 0; i < 256; i++) {
                    StringBuilder b = new StringBuilder("{\"pixels\":[");
                    for (int r = 0; r < 28; r++) {
                        b.append(r == 0 ? "[" : ",[");
                        for (int c = 0; c < 28; c++) {
                            int v = img != null ? img.pixels()[i * 784 + r * 28 + c] & 0xff : (rnd.nextInt(10) == 0 ? 255 : 0);
                            b.append(c == 0 ? "" : ",").append(v == 0 ? "0" : String.format(Locale.ROOT, "%.3f", v / 255.0));
                        }
                        b.append(']');
                    }
                    bodies.add(b.append("]}").toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            case translate -> {
                Path tsv = home.resolve("data/translation/eng-fra.tsv");
                List<String> lines = Files.isRegularFile(tsv) ? Files.readAllLines(tsv) : List.of("I am cold.\tx", "She likes cats.\tx");
                for (int i = 0; i < 256; i++) {
                    String sentence = lines.get((int) ((long) i * 7919 % lines.size())).split("\t")[0];
                    Map<String, Object> req = new LinkedHashMap<>();
                    req.put("sentence", sentence);
                    if (beam != null) {
                        req.put("beam", beam);
                    }
                    bodies.add(Json.write(req).getBytes(StandardCharsets.UTF_8));
                }
            }
            case forecast -> {
                JsonNode info = Json.mapper().readTree(new Conn(s.port()).get("/v1/models/" + name));
                JsonNode ex = info.get("example");
                if (ex == null) {
                    throw new UserException(name + ": the model's training series does not read here; nothing to send");
                }
                // 256 series: the model's own with its last value moved by up to ±0.5 %, so that no two requests in a row
                // send the same series (a panel model answers a series it forecast lately from memory)
                JsonNode values = ex.get("values");
                double[] own = new double[values.size()];
                for (int t = 0; t < own.length; t++) {
                    own[t] = values.get(t).asDouble();
                }
                for (int i = 0; i < 256; i++) {
                    double[] v = own.clone();
                    v[v.length - 1] *= 1 + 0.005 * (i - 128) / 128.0;
                    bodies.add(Json.write(Map.of("values", v)).getBytes(StandardCharsets.UTF_8));
                }
            }
            case chars -> {
                for (int i = 0; i < 64; i++) {
                    bodies.add(Json.write(Map.of("prime", "ROMEO:", "length", length, "seed", i, "stream", true))
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            case tensor -> throw new UserException(name + ": a tensor-only model; the load test sends the apps' requests");
        }
        return new Workload(kind, "/v1/models/" + name + "/" + kind.endpoint(), bodies);
    }

    private record Measured(double seconds, long ok, long refused, long failed, Histogram hist, double meanBatch) {
        Cell cell(String app, String mode, int clients, int round) {
            return new Cell(app, mode, clients, round, seconds, ok, refused, failed, ok / seconds,
                    hist.getValueAtPercentile(50) / 1000.0, hist.getValueAtPercentile(99) / 1000.0, meanBatch);
        }
    }

    /**
     * The server's own count of batches and of the requests in them, summed over its models and endpoints, from
     * its {@code /metrics} ({@code lstm_serve_batch_size_count} and {@code _sum}); the char model runs no batches.
     */
    private static double[] batches(ModelServer s) throws IOException {
        double[] countSum = new double[2];
        for (String line : new Conn(s.port()).get("/metrics").split("\n")) {
            int k = line.startsWith("lstm_serve_batch_size_count{") ? 0 : line.startsWith("lstm_serve_batch_size_sum{") ? 1 : -1;
            if (k >= 0) {
                countSum[k] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return countSum;
    }

    private static Measured run(ModelServer s, Workload w, int clients, double seconds) throws Exception {
        Load load = new Load(s.port(), w, clients);
        try {
            Thread.sleep(300);                                      // connections up, queues filled
            load.window();
            double[] before = batches(s);
            Thread.sleep((long) (seconds * 1000));
            Load.Window win = load.window();
            double[] after = batches(s);
            double batchCount = after[0] - before[0];
            return new Measured(win.seconds, win.ok, win.refused, win.failed, win.hist,
                    batchCount > 0 ? (after[1] - before[1]) / batchCount : Double.NaN);
        } finally {
            load.stop();
        }
    }

    /** Closed-loop clients, each on its own keep-alive connection, recording latencies in µs. */
    private static final class Load {
        record Window(double seconds, long ok, long refused, long failed, Histogram hist) {
        }

        private final AtomicBoolean go = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final Recorder recorder = new Recorder(3);
        private final java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        private long windowStart = System.nanoTime();
        private long[] last = {0, 0, 0};

        Load(int port, Workload w, int clients) {
            for (int c = 0; c < clients; c++) {
                final int id = c;
                Thread t = new Thread(() -> client(port, w, id), "load client " + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void client(int port, Workload w, int id) {
            Conn conn = null;
            int i = id * 13;
            List<byte[]> requests = w.bodies().stream().map(b -> Conn.request(w.path(), b)).toList();
            while (go.get()) {
                byte[] request = requests.get(i++ % requests.size());
                long t0 = System.nanoTime();
                try {
                    if (conn == null) {
                        conn = new Conn(port);
                    }
                    int status = conn.send(request);
                    long us = (System.nanoTime() - t0) / 1000;
                    if (status == 200) {
                        recorder.recordValue(Math.max(1, us));
                        ok.incrementAndGet();
                    } else if (status == 503) {
                        refused.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    if (go.get()) {
                        failed.incrementAndGet();
                    }
                    if (conn != null) {
                        conn.close();
                    }
                    conn = null;
                }
            }
            if (conn != null) {
                conn.close();
            }
        }

        synchronized Window window() {
            long now = System.nanoTime();
            long[] cur = {ok.get(), refused.get(), failed.get()};
            Window win = new Window((now - windowStart) / 1e9, cur[0] - last[0], cur[1] - last[1], cur[2] - last[2],
                    recorder.getIntervalHistogram());
            windowStart = now;
            last = cur;
            return win;
        }

        void stop() throws InterruptedException {
            go.set(false);
            for (Thread t : threads) {
                t.join(70_000);
            }
        }
    }

    /**
     * One HTTP/1.1 keep-alive connection to 127.0.0.1: a request out, the whole response in (length or chunked),
     * parsed from its own buffer (no per-byte calls: the client should cost little next to the server).
     */
    private static final class Conn {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buf = new byte[65536];
        private int pos;
        private int end;

        Conn(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** Sends a whole request made by {@link #request} in one write (one segment), reads the whole response. */
        int send(byte[] request) throws IOException {
            out.write(request);
            return readResponse(null);
        }

        /** A POST of {@code body} as JSON, head and body in one array: made once per body, sent many times. */
        static byte[] request(String path, byte[] body) {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[head.length + body.length];
            System.arraycopy(head, 0, req, 0, head.length);
            System.arraycopy(body, 0, req, head.length, body.length);
            return req;
        }

        String get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            readResponse(b);
            close();
            return b.toString(StandardCharsets.UTF_8);
        }

        private int readResponse(ByteArrayOutputStream keep) throws IOException {
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long n = Long.parseLong(line().split(";")[0].trim(), 16); n > 0; n = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(n, keep);
                    line();
                }
                line();
            } else if (length >= 0) {
                skip(length, keep);
            } else {
                throw new IOException("a response without a length");
            }
            if (close) {
                throw new IOException("the server closed the connection");
            }
            return code;
        }

        private boolean fill() throws IOException {
            if (pos < end) {
                return true;
            }
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            end = n;
            return true;
        }

        private void skip(long n, ByteArrayOutputStream keep) throws IOException {
            while (n > 0) {
                if (!fill()) {
                    throw new IOException("connection closed mid-response");
                }
                int take = (int) Math.min(n, end - pos);
                if (keep != null) {
                    keep.write(buf, pos, take);
                }
                pos += take;
                n -= take;
            }
        }

        private String line() throws IOException {
            StringBuilder b = null;
            while (fill()) {
                for (int i = pos; i < end; i++) {
                    if (buf[i] == '\n') {
                        int len = i - pos;
                        String part = new String(buf, pos, len > 0 && buf[i - 1] == '\r' ? len - 1 : len, StandardCharsets.ISO_8859_1);
                        pos = i + 1;
                        if (b == null) {
                            return part;
                        }
                        b.append(part);
                        int l = b.length();
                        return l > 0 && b.charAt(l - 1) == '\r' ? b.substring(0, l - 1) : b.toString();
                    }
                }
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1));
                pos = end;
            }
            return b == null ? null : b.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
