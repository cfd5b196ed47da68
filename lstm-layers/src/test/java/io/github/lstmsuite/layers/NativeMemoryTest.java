package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeMemoryTest {

    /** The binding to JavaCPP's {@code malloc_trim} exists in the JavaCPP the suite ships (it fails silently otherwise). */
    @Test
    @EnabledOnOs(OS.LINUX)
    void trimReachesTheAllocator() {
        assertTrue(NativeMemory.trim(), "JavaCPP's trimMemory was not found or failed");
    }
}
