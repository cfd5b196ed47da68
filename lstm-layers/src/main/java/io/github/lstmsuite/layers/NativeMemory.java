package io.github.lstmsuite.layers;

import java.lang.reflect.Method;

/**
 * Gives freed native memory back to the operating system. ND4J's arrays live in native memory that the C
 * library's allocator (glibc's {@code malloc}) hands out; when ND4J frees them (once their Java objects are
 * collected), glibc keeps the pages for later instead of returning them, so a process's resident memory
 * stays at the highest it has been: the attention translator's test phase ended at 1.17 GB resident of
 * which {@link #trim()} returned 0.30 GB (to 0.88 GB). JavaCPP calls the same {@code malloc_trim} itself,
 * but only when its memory limits are reached.
 */
public final class NativeMemory {
    private static final Method TRIM = find();

    private NativeMemory() {
    }

    private static Method find() {
        try {
            Method m = org.bytedeco.javacpp.Pointer.class.getDeclaredMethod("trimMemory");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;                 // another JavaCPP version: nothing is trimmed, nothing else changes
        }
    }

    /**
     * A full collection (ND4J frees an array's native memory when its Java object is collected), then
     * {@link #trim()}: between the phases of a run, where a pause of a few hundred milliseconds is free.
     */
    public static void release() {
        System.gc();
        trim();
    }

    /** Returns the allocator's free pages to the operating system ({@code malloc_trim}); false if it cannot. */
    public static boolean trim() {
        if (TRIM == null) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(TRIM.invoke(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
