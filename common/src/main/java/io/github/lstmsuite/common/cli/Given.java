package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;

/** A flag's value as typed, or the app's default when it was not given, checked against its lower bound. */
final class Given {
    private Given() {
    }

    static int atLeast(String flag, Integer given, int fallback, int min) {
        int v = given != null ? given : fallback;
        if (v < min) {
            throw new UserException(flag + " must be at least " + min + ", got " + v);
        }
        return v;
    }
}
