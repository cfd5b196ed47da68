package io.github.lstmsuite.common.cli;

/** Exit codes shared by every app of the suite. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected failure (a bug, out of memory, a native crash): the stack trace is printed. */
    public static final int FAILURE = 1;
    /** Bad input: a flag, a file, a missing data set. One line on stderr, no stack trace. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
