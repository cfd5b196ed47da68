package io.github.lstmsuite.layers;

import java.util.function.Supplier;

/** Runs test code with a system property set, and puts the property back as it was (also on failure). */
final class SystemProperty {
    private SystemProperty() {
    }

    static <T> T with(String key, String value, Supplier<T> body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
