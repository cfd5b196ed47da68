package io.github.lstmsuite.bench;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.train.OptimizerThreads;
import io.github.lstmsuite.layers.LstmImpl;
import io.github.lstmsuite.layers.DenseSoftmaxOutput;
import io.github.lstmsuite.layers.FastAdam;
import io.github.lstmsuite.layers.FastLastTimeStep;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.layers.FastUpdater;
import io.github.lstmsuite.layers.SoftmaxOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./lstm bench}: training and inference throughput (samples per second) and peak memory of the
 * suite's model shapes, for the suite's LSTM layer and DL4J's own, measured in the same run.
 *
 * <p>Method (as the libtorch peer benchmark that {@code benchmarks/peer.sh} runs beside it): random float32 data, 16
 * fixed mini-batches cycled; Adam 1e-3; a warm-up, then several measured blocks of iterations; the
 * figure printed is the median block. Each case runs in a fresh JVM, so its peak RSS (Linux's VmHWM)
 * is its own; with {@code --in-process} the figure is the peak so far.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "lstm-suite bench 0.1.0", subcommands = ServeLoad.class,
        description = "Training and inference samples/s and peak memory of the suite's LSTM model shapes.")
public final class BenchApp implements Callable<BenchApp.Result> {

    /**
     * A model shape to measure. {@code manyToOne}: last step → dense softmax; else softmax at every step, over one-hot
     * labels or, when {@code sparse}, over class indices (the {@code fast} implementation then uses the suite's
     * {@code SoftmaxOutput}, as the char and translate apps do).
     */
    public record Case(String name, int nIn, int hidden, int layers, int steps, int batch, int classes,
                       boolean manyToOne, boolean sparse) {
        /** A case with one-hot labels (class indices for the output layer alone, which has no LSTM). */
        public Case(String name, int nIn, int hidden, int layers, int steps, int batch, int classes, boolean manyToOne) {
            this(name, nIn, hidden, layers, steps, batch, classes, manyToOne, layers == 0);
        }

        /**
         * Floating-point operations of one training sample in the LSTM layers: each product three times (forward,
         * its weight gradient, its input gradient), except the first layer's input gradient when
         * {@code inputGradient} is false (the fast layer reading data computes none); with no LSTM layer, in the
         * output layer.
         */
        double lstmTrainFlops(boolean inputGradient) {
            if (layers == 0) {
                return 3 * 2.0 * steps * nIn * classes;
            }
            double f = 0;
            for (int l = 0; l < layers; l++) {
                int in = l == 0 ? nIn : hidden;
                f += 2.0 * steps * 4 * hidden * ((l == 0 && !inputGradient ? 2 : 3) * in + 3 * hidden);
            }
            return f;
        }

        /** Floating-point operations of one inference sample in the LSTM layers (each product once); with no LSTM layer, in the output layer. */
        double lstmInferFlops() {
            if (layers == 0) {
                return 2.0 * steps * nIn * classes;
            }
            double f = 0;
            for (int l = 0; l < layers; l++) {
                f += 2.0 * steps * 4 * hidden * ((l == 0 ? nIn : hidden) + hidden);
            }
            return f;
        }
    }

    /** The benchmark cases: the MNIST-row model and the char model. */
    public static final List<Case> CASES = List.of(
            new Case("mnist-row-h64-b64", 28, 64, 1, 28, 64, 10, true),
            new Case("mnist-row-h64-b256", 28, 64, 1, 28, 256, 10, true),
            new Case("mnist-row-h128-b64", 28, 128, 1, 28, 64, 10, true),
            new Case("mnist-row-h128-b256", 28, 128, 1, 28, 256, 10, true),
            new Case("char-2x256-s100-b32", 65, 256, 2, 100, 32, 65, false),
            // the same as the char app runs it: fast = SoftmaxOutput over character indices, dl4j = RnnOutputLayer with
            // sparse cross-entropy (the libtorch peer's char model: benchmarks/peer.sh 256 32 3 char)
            new Case("char-2x256-s100-b32-softmax", 65, 256, 2, 100, 32, 65, false, true),
            // the translator's output layer alone (decoder ⊕ attention 512 → 3,084 French words, 12 steps):
            // impl fast = lstm-layers/SoftmaxOutput, dl4j = DL4J's RnnOutputLayer with sparse cross-entropy
            new Case("softmax-512-v3084-s12-b64", 512, 0, 0, 12, 64, 3084, false));

    /**
     * One measured case and implementation. {@code gflops} and {@code inferGflops}: the LSTM layers' arithmetic rate in
     * training and inference; {@code peakGflops}: the CPU's peak for the instruction set the kernels ran (see
     * {@link CpuPeak}), of which they are a share.
     */
    public record Measurement(String caseName, LstmImpl impl, int threads, double trainSamplesPerSecond,
                              double inferSamplesPerSecond, double gflops, double inferGflops, double peakGflops,
                              long peakRssMb) {
        /** Reads back what {@link #line()} printed. */
        static Measurement parse(String line) {
            java.util.Map<String, String> kv = new java.util.HashMap<>();
            for (String part : line.trim().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    kv.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            String rss = kv.get("peak_rss_mb");
            return new Measurement(kv.get("case"), LstmImpl.valueOf(kv.get("impl")), Integer.parseInt(kv.get("threads")),
                    Double.parseDouble(kv.get("train_samples_per_s")), Double.parseDouble(kv.get("infer_samples_per_s")),
                    Double.parseDouble(kv.get("train_gflops")), Double.parseDouble(kv.getOrDefault("infer_gflops", "NaN")),
                    Double.parseDouble(kv.getOrDefault("peak_gflops", "NaN")), "n/a".equals(rss) ? -1 : Long.parseLong(rss));
        }

        String line() {
            return String.format(Locale.ROOT, "case=%s impl=%s threads=%d train_samples_per_s=%.0f infer_samples_per_s=%.0f "
                            + "train_gflops=%.1f infer_gflops=%.1f peak_gflops=%.0f train_peak_pct=%.0f infer_peak_pct=%.0f peak_rss_mb=%s",
                    caseName, impl, threads, trainSamplesPerSecond, inferSamplesPerSecond, gflops, inferGflops, peakGflops,
                    100 * gflops / peakGflops, 100 * inferGflops / peakGflops, peakRssMb < 0 ? "n/a" : Long.toString(peakRssMb));
        }
    }

    /** Everything measured in one run. */
    public record Result(List<Measurement> measurements) {
    }

    @Option(names = "--case", paramLabel = "NAME", split = ",",
            description = "Case(s) to run (default: all): mnist-row-h64-b64, mnist-row-h64-b256, mnist-row-h128-b64, mnist-row-h128-b256, char-2x256-s100-b32, char-2x256-s100-b32-softmax, softmax-512-v3084-s12-b64.")
    List<String> caseNames;

    @Option(names = "--impl", paramLabel = "IMPL", split = ",", defaultValue = "fast,dl4j",
            description = "LSTM implementation(s) to measure: fast, dl4j (default: both, for the ratio).")
    List<LstmImpl> impls;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU cores the fast LSTM layer uses (default: all). ND4J's own ops run on one thread, as in the apps.")
    Integer threads;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "5", description = "Measured blocks per figure (default: ${DEFAULT-VALUE}); the median is printed.")
    int blocks;

    @Option(names = "--block-seconds", paramLabel = "S", defaultValue = "2",
            description = "Target length of one measured block (default: ${DEFAULT-VALUE} s); the warm-up is as long as two blocks.")
    double blockSeconds;

    @Option(names = "--in-process", description = "Measure every case in this JVM instead of a fresh JVM per case "
            + "(a fresh JVM gives each case its own JIT warm-up and its own peak-memory figure).")
    boolean inProcess;

    @Option(names = "--cpu-ghz", paramLabel = "GHZ",
            description = "The clock to compute the CPU's peak with (default: cpuinfo_max_freq, else /proc/cpuinfo's cpu MHz).")
    Double cpuGhz;

    /** This process's CPU peak (its clock measured once: the FMA chain takes about half a second). */
    private CpuPeak peak;

    @Option(names = {"-v", "--verbose"}, description = "Library logging and full stack traces.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the benchmark as the command line does; the result holds every measurement. */
    public static Cli.Outcome runExample(String... args) {
        return Cli.run(new BenchApp(), args);
    }

    @Override
    public Result call() {
        int workers = NativeSetup.apply(threads);
        List<Case> cases = selectCases();
        if (blocks < 1 || !(blockSeconds > 0)) {
            throw new UserException("--blocks must be at least 1 and --block-seconds positive");
        }
        if (cpuGhz != null && !(cpuGhz > 0)) {
            throw new UserException("--cpu-ghz must be a positive clock in GHz, got " + cpuGhz);
        }
        System.out.printf(Locale.ROOT, "lstm-suite bench: %d core(s) available, fast LSTM threads %d, OMP_NUM_THREADS=%s; median of %d blocks of ~%.1f s%n",
                Runtime.getRuntime().availableProcessors(), workers, System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
                blocks, blockSeconds);
        System.out.println("lstm-suite bench: " + peak().describe());
        List<Measurement> out = new ArrayList<>();
        for (Case c : cases) {
            for (LstmImpl impl : impls) {
                Measurement m = inProcess ? measure(c, impl, workers) : measureInFreshJvm(c, impl);
                System.out.println(m.line());
                out.add(m);
            }
            printRatio(out, c);
        }
        return new Result(out);
    }

    /** Runs one case and implementation in a child JVM with this JVM's options and class path. */
    private Measurement measureInFreshJvm(Case c, LstmImpl impl) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchApp.class.getName(), "--in-process",
                "--case", c.name(), "--impl", impl.name(), "--blocks", Integer.toString(blocks),
                "--block-seconds", Double.toString(blockSeconds)));
        if (threads != null) {
            cmd.addAll(List.of("--threads", threads.toString()));
        }
        // the clock this JVM found (or was given): every case's share of the same peak, and no FMA chain per child
        cmd.addAll(List.of("--cpu-ghz", Double.toString(peak().ghz())));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int code = p.waitFor();
            for (String line : output.split("\\R")) {
                if (line.startsWith("case=") && line.contains(" impl=")) {
                    return Measurement.parse(line);
                }
            }
            throw new IllegalStateException("benchmark child exited with " + code + " and no result:\n" + output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a benchmark JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<Case> selectCases() {
        if (caseNames == null || caseNames.isEmpty()) {
            return CASES;
        }
        List<Case> chosen = new ArrayList<>();
        for (String n : caseNames) {
            chosen.add(CASES.stream().filter(c -> c.name().equals(n)).findFirst().orElseThrow(() ->
                    new UserException("--case: unknown case '" + n + "' (expected one of "
                            + String.join(", ", CASES.stream().map(Case::name).toList()) + ")")));
        }
        return chosen;
    }

    private static void printRatio(List<Measurement> all, Case c) {
        Measurement fast = null, dl4j = null;
        for (Measurement m : all) {
            if (m.caseName().equals(c.name())) {
                if (m.impl() == LstmImpl.fast) {
                    fast = m;
                } else {
                    dl4j = m;
                }
            }
        }
        if (fast != null && dl4j != null) {
            System.out.printf(Locale.ROOT, "case=%s ratio fast/dl4j train=%.2f infer=%.2f%n", c.name(),
                    fast.trainSamplesPerSecond() / dl4j.trainSamplesPerSecond(),
                    fast.inferSamplesPerSecond() / dl4j.inferSamplesPerSecond());
        }
    }

    // ------------------------------------------------------------------ measuring

    Measurement measure(Case c, LstmImpl impl, int workers) {
        MultiLayerNetwork net = build(c, impl);
        net.addListeners(new OptimizerThreads());          // as the apps' trainer: the optimizer's step on two threads
        if (impl == LstmImpl.fast) {
            FastUpdater.install(net);                       // and the updater's Java pass (DL4J's own for impl dl4j)
        }
        List<DataSet> data = randomBatches(c, 16);
        int[] it = {0};
        double train = median(timeBlocks(() -> net.fit(data.get(it[0]++ % data.size())), c.batch()));
        // each output is closed as soon as it is read, as a serving loop does (ND4J frees its native memory then,
        // not when the garbage collector finds it; libtorch frees a tensor when its last reference goes)
        double infer = median(timeBlocks(() -> net.output(data.get(it[0]++ % data.size()).getFeatures()).close(), c.batch()));
        return new Measurement(c.name(), impl, impl == LstmImpl.fast ? workers : 1, train, infer,
                train * c.lstmTrainFlops(firstLayerInputGradient(net)) / 1e9, infer * c.lstmInferFlops() / 1e9,
                peak().gflops(), peakRssMb());
    }

    private CpuPeak peak() {
        if (peak == null) {
            peak = CpuPeak.detect(cpuGhz);
        }
        return peak;
    }

    /** Whether the network's first layer computes its input gradient (see {@link FastLstm#withoutInputGradient}). */
    static boolean firstLayerInputGradient(MultiLayerNetwork net) {
        Layer first = net.getLayerWiseConfigurations().getConf(0).getLayer();
        if (first instanceof LastTimeStep wrapper) {
            first = wrapper.getUnderlying();
        }
        return !(first instanceof FastLstm f) || f.isInputGradient();
    }

    /** Warm-up, then {@link #blocks} timed blocks; returns samples/s of each block. */
    private double[] timeBlocks(Runnable step, int samplesPerStep) {
        long warmEnd = System.nanoTime() + (long) (2 * blockSeconds * 1e9);
        int warm = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < warmEnd || warm < 3) {
            step.run();
            warm++;
        }
        double perStep = (System.nanoTime() - t0) / 1e9 / warm;
        int steps = Math.max(1, (int) Math.round(blockSeconds / perStep));
        double[] rates = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            long s = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            rates[b] = (double) steps * samplesPerStep / ((System.nanoTime() - s) / 1e9);
        }
        return rates;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The case's network: LSTM layer(s) → last step → softmax, or → softmax at every step. */
    static MultiLayerNetwork build(Case c, LstmImpl impl) {
        var list = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(impl == LstmImpl.fast ? new FastAdam(1e-3) : new Adam(1e-3)).list();
        for (int l = 0; l < c.layers(); l++) {
            Layer lstm = impl.build(new LSTM.Builder().nIn(l == 0 ? c.nIn() : c.hidden()).nOut(c.hidden())
                    .activation(Activation.TANH));
            if (l == 0) {
                // it reads the data: no dLoss/dInput (as libtorch, for an input that does not require grad)
                lstm = FastLstm.withoutInputGradient(lstm);
            }
            if (c.manyToOne() && l == c.layers() - 1) {
                lstm = impl == LstmImpl.fast ? new FastLastTimeStep(lstm) : new LastTimeStep(lstm);   // [B, H, T] → [B, H]
            }
            list.layer(lstm);
        }
        if (c.sparse()) {
            int in = c.layers() == 0 ? c.nIn() : c.hidden();
            list.layer(impl == LstmImpl.fast ? new SoftmaxOutput.Builder().nIn(in).nOut(c.classes()).build()
                    : new RnnOutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).activation(Activation.SOFTMAX)
                    .nIn(in).nOut(c.classes()).build());
        } else if (c.manyToOne()) {
            list.layer((impl == LstmImpl.fast ? new DenseSoftmaxOutput.Builder()
                    : new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX))
                    .nIn(c.hidden()).nOut(c.classes()).build());
        } else {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                    .nIn(c.hidden()).nOut(c.classes()).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.recurrent(c.nIn(), c.steps())).build());
        net.init();
        return net;
    }

    /** Random inputs {@code [batch, nIn, steps]} in [0, 1) and random one-hot labels. */
    static List<DataSet> randomBatches(Case c, int n) {
        Nd4j.getRandom().setSeed(42);
        java.util.Random r = new java.util.Random(42);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, c.batch(), c.nIn(), c.steps());
            INDArray y = c.manyToOne() ? Nd4j.zeros(DataType.FLOAT, c.batch(), c.classes())
                    : c.sparse() ? Nd4j.zeros(DataType.FLOAT, c.batch(), 1, c.steps())      // token indices
                    : Nd4j.zeros(DataType.FLOAT, c.batch(), c.classes(), c.steps());
            for (int b = 0; b < c.batch(); b++) {
                if (c.sparse()) {
                    for (int t = 0; t < c.steps(); t++) {
                        y.putScalar(new long[]{b, 0, t}, r.nextInt(c.classes()));
                    }
                } else if (c.manyToOne()) {
                    y.putScalar(b, r.nextInt(c.classes()), 1f);
                } else {
                    for (int t = 0; t < c.steps(); t++) {
                        y.putScalar(new long[]{b, r.nextInt(c.classes()), t}, 1f);
                    }
                }
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }

    // ------------------------------------------------------------------ memory (Linux /proc)

    /** The process's peak resident set size in MB, or -1 where /proc is missing. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
