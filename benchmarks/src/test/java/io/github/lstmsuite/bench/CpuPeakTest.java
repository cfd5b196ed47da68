package io.github.lstmsuite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peak the benchmark's GFLOP/s are a share of, for CPUs described as /proc/cpuinfo describes them. */
class CpuPeakTest {

    private static String cpuinfo(String vendor, int family, int model, String name, String mhz, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: " + model
                + "\nmodel name\t: " + name + "\ncpu MHz\t\t: " + mhz + "\nflags\t\t: " + flags + "\n\nprocessor\t: 1\n";
    }

    private static final String AVX512 = "fpu sse sse2 fma avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl";
    private static final String ZEN5 = cpuinfo("AuthenticAMD", 26, 2, "AMD EPYC", "2096.018", AVX512);

    @Test
    void zen5WithAvx512InAVirtualMachine() {
        CpuPeak p = CpuPeak.of(ZEN5, "", Map.of(), List.of(), null, 2);
        assertEquals("AVX-512", p.isa());
        assertEquals(64, p.flopsPerCycle());
        assertEquals(2.096018, p.ghz(), 1e-9);
        assertEquals(2 * 64 * 2.096018, p.gflops(), 1e-9);
        assertTrue(p.describe().startsWith("peak 268 GFLOP/s = 2 cores × 64 FP32 FLOP/cycle (AVX-512) × 2.096 GHz (cpu MHz in /proc/cpuinfo)"),
                p.describe());
    }

    @Test
    void oneDnnsOrTheJvmsCapLowersTheInstructionSet() {
        assertEquals(32, CpuPeak.of(ZEN5, "", Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"), List.of(), null, 2).flopsPerCycle());
        assertEquals("AVX-512", CpuPeak.of(ZEN5, "", Map.of("OPENBLAS_CORETYPE", "Haswell"), List.of(), null, 2).isa());   // oneDNN's count
        assertEquals("AVX2", CpuPeak.of(ZEN5, "", Map.of(), List.of("-Xmx1g", "-XX:UseAVX=2"), null, 2).isa());
        assertEquals("AVX-512", CpuPeak.of(ZEN5, "", Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"), List.of(), null, 2).isa());
        assertEquals("AVX", CpuPeak.of(ZEN5, "", Map.of("ONEDNN_MAX_CPU_ISA", "AVX"), List.of(), null, 2).isa());
    }

    @Test
    void fmaUnitsByMicroarchitecture() {
        // Zen 4: AVX-512 on 256-bit units; Zen 3: AVX2, two FMA units; Zen 1: AVX2 on 128-bit units
        assertEquals(32, CpuPeak.of(cpuinfo("AuthenticAMD", 25, 17, "AMD EPYC 9R14", "2600", AVX512), "", Map.of(), List.of(), null, 2).flopsPerCycle());
        assertEquals(32, CpuPeak.of(cpuinfo("AuthenticAMD", 25, 1, "AMD EPYC 7R13", "2450", "fma avx avx2"), "", Map.of(), List.of(), null, 2).flopsPerCycle());
        assertEquals(16, CpuPeak.of(cpuinfo("AuthenticAMD", 23, 1, "AMD EPYC 7601", "2200", "fma avx avx2"), "", Map.of(), List.of(), null, 2).flopsPerCycle());
        CpuPeak xeon = CpuPeak.of(cpuinfo("GenuineIntel", 6, 85, "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", "2500.000", AVX512),
                "3500000\n", Map.of(), List.of(), null, 4);
        assertEquals(64, xeon.flopsPerCycle());
        assertEquals(3.5, xeon.ghz(), 1e-12);
        assertEquals("cpuinfo_max_freq", xeon.clockSource());
        assertEquals(4 * 64 * 3.5, xeon.gflops(), 1e-9);
        assertEquals(16, CpuPeak.of(cpuinfo("GenuineIntel", 6, 42, "Intel(R) Core(TM) i7-2600", "3400", "sse sse2 avx"), "", Map.of(), List.of(), null, 4).flopsPerCycle());
    }

    @Test
    void theClockCanBeGiven() {
        CpuPeak p = CpuPeak.of(ZEN5, "", Map.of(), List.of(), 3.7, 2);
        assertEquals(3.7, p.ghz(), 1e-12);
        assertEquals("--cpu-ghz", p.clockSource());
        assertEquals(2 * 64 * 3.7, p.gflops(), 1e-9);
    }
}
