package io.github.lstmsuite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU's peak float32 arithmetic rate for the instruction set the kernels run: {@code cores × FLOP per cycle ×
 * clock}, the figure the benchmark's GFLOP/s are a share of.
 *
 * <p>How each factor is found:
 * <ul>
 *   <li><b>instruction set</b>: the widest the CPU has ({@code /proc/cpuinfo} flags: {@code avx512f}, else {@code avx2}
 *       with {@code fma}, else {@code avx}), lowered to the caps of the kernels that do the arithmetic: {@code ONEDNN_MAX_CPU_ISA}
 *       (oneDNN's LSTM and most matrix products) and the JVM's {@code -XX:UseAVX} (the Java kernels' gate maths). The
 *       lower wins. {@code OPENBLAS_CORETYPE} is not counted: OpenBLAS computes a small part of the products, and
 *       an AVX-512 machine whose OpenBLAS runs its Haswell kernels still runs oneDNN's at AVX-512.</li>
 *   <li><b>FLOP per cycle per core</b> (a fused multiply-add counts 2): AVX-512 64 (two 512-bit FMA units: Intel's server
 *       cores, AMD Zen 5), but 32 on AMD Zen 4 (family 0x19: 512-bit instructions on 256-bit units); AVX2 32 (two
 *       256-bit FMA units: Intel since Haswell, AMD since Zen 2), 16 on AMD Zen and Zen+ (family 0x17 below model
 *       0x30); AVX without FMA 16; SSE 8. Some Intel Xeons (Bronze, Silver, some Gold 5xxx) have one 512-bit FMA unit,
 *       which CPUID does not tell: their AVX-512 peak is half the figure here.</li>
 *   <li><b>clock</b>: the higher of what the system reports — {@code cpuinfo_max_freq} from
 *       {@code /sys/devices/system/cpu/cpu0/cpufreq}, else the {@code cpu MHz} line of {@code /proc/cpuinfo} (in a
 *       virtual machine usually the host's nominal clock, which the cores outrun when they boost) — and the clock
 *       measured: a chain of dependent fused multiply-adds, each waiting for the last, runs one per 4 cycles (their
 *       latency on Intel's cores since Skylake and on AMD's Zen 4 and 5), so 4 × FMAs per second is the clock a
 *       busy core runs at. The higher one keeps the share from being flattered. {@code --cpu-ghz} replaces both.</li>
 *   <li><b>cores</b>: the processors this JVM may use.</li>
 * </ul>
 *
 * @param isa the instruction set counted: AVX-512, AVX2, AVX or SSE
 * @param flopsPerCycle float32 operations per cycle per core at that instruction set
 * @param ghz the clock counted
 * @param clockSource where the clock came from
 * @param cores the cores counted
 * @param cpu the CPU's model name
 */
public record CpuPeak(String isa, int flopsPerCycle, double ghz, String clockSource, int cores, String cpu) {

    /** The peak in GFLOP/s. */
    public double gflops() {
        return cores * flopsPerCycle * ghz;
    }

    /** One line saying how the peak was computed. */
    public String describe() {
        return String.format(Locale.ROOT, "peak %.0f GFLOP/s = %d cores × %d FP32 FLOP/cycle (%s) × %.3f GHz (%s); %s",
                gflops(), cores, flopsPerCycle, isa, ghz, clockSource, cpu);
    }

    /** This machine's peak for this process (its environment and JVM options); {@code ghz} replaces the clock if set. */
    static CpuPeak detect(Double ghz) {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        String maxKhz = read(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"));
        CpuPeak reported = of(cpuinfo, maxKhz, System.getenv(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), ghz,
                Runtime.getRuntime().availableProcessors());
        if (ghz != null) {
            return reported;
        }
        double measured = measuredGhz();
        return measured > reported.ghz() || Double.isNaN(reported.ghz())
                ? new CpuPeak(reported.isa(), reported.flopsPerCycle(), measured, String.format(Locale.ROOT,
                "measured by an FMA chain; %s says %.3f", reported.clockSource(), reported.ghz()), reported.cores(), reported.cpu())
                : reported;
    }

    /** The clock of this core under load, in GHz: dependent fused multiply-adds (4 cycles each) per nanosecond × 4. */
    static double measuredGhz() {
        double sink = 0;
        for (int i = 0; i < 300; i++) {                    // until the JIT has compiled the chain
            sink += fmaChain(200_000);
        }
        double best = Double.MAX_VALUE;
        final long n = 40_000_000;
        for (int r = 0; r < 3; r++) {
            long t = System.nanoTime();
            sink += fmaChain(n);
            best = Math.min(best, (System.nanoTime() - t) / (double) n);
        }
        return sink == 42 ? 0 : 4 / best;                  // (sink: the chains' results are used)
    }

    private static double fmaChain(long n) {
        double d = 1;
        for (long i = 0; i < n; i++) {
            d = Math.fma(d, 0.9999999, 1e-9);
        }
        return d;
    }

    /**
     * The peak from {@code /proc/cpuinfo}'s text, {@code cpuinfo_max_freq}'s (kHz; empty if absent), the environment's
     * caps and the JVM's options; {@code ghz} (null: from the files) replaces the clock.
     */
    static CpuPeak of(String cpuinfo, String maxFreqKhz, Map<String, String> env, List<String> jvmArgs, Double ghz, int cores) {
        String flags = " " + field(cpuinfo, "flags") + " ";
        String vendor = field(cpuinfo, "vendor_id");
        int family = parseInt(field(cpuinfo, "cpu family"));
        int model = parseInt(field(cpuinfo, "model"));
        int level = flags.contains(" avx512f ") ? 3 : flags.contains(" avx2 ") && flags.contains(" fma ") ? 2
                : flags.contains(" avx ") ? 1 : 0;
        String onednn = env.getOrDefault("ONEDNN_MAX_CPU_ISA", env.getOrDefault("DNNL_MAX_CPU_ISA", "")).toUpperCase(Locale.ROOT);
        if (onednn.startsWith("AVX2")) {
            level = Math.min(level, 2);
        } else if (onednn.startsWith("AVX") && !onednn.startsWith("AVX512")) {
            level = Math.min(level, 1);
        } else if (onednn.startsWith("SSE")) {
            level = 0;
        }
        for (String a : jvmArgs) {
            if (a.startsWith("-XX:UseAVX=")) {
                int avx = parseInt(a.substring("-XX:UseAVX=".length()));
                level = Math.min(level, avx >= 3 ? 3 : avx == 2 ? 2 : avx == 1 ? 1 : 0);
            }
        }
        boolean amd = vendor.equals("AuthenticAMD");
        int flops = switch (level) {
            case 3 -> amd && family == 0x19 ? 32 : 64;
            case 2 -> amd && family == 0x17 && model < 0x30 ? 16 : 32;
            case 1 -> 16;
            default -> 8;
        };
        String isa = switch (level) {
            case 3 -> "AVX-512";
            case 2 -> "AVX2";
            case 1 -> "AVX";
            default -> "SSE";
        };
        double clock;
        String source;
        if (ghz != null) {
            clock = ghz;
            source = "--cpu-ghz";
        } else if (!maxFreqKhz.isBlank()) {
            clock = Double.parseDouble(maxFreqKhz.trim()) / 1e6;
            source = "cpuinfo_max_freq";
        } else {
            String mhz = field(cpuinfo, "cpu MHz");
            clock = mhz.isEmpty() ? Double.NaN : Double.parseDouble(mhz) / 1e3;
            source = "cpu MHz in /proc/cpuinfo";
        }
        String name = field(cpuinfo, "model name");
        return new CpuPeak(isa, flops, clock, source, cores, (name.isEmpty() ? "unknown CPU" : name)
                + String.format(Locale.ROOT, " (%s family 0x%x model 0x%x)", vendor.isEmpty() ? "?" : vendor, family, model));
    }

    /** The value of the first {@code name : value} line of /proc/cpuinfo, or "". */
    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
