package io.github.lstmsuite.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiet logging by default: ND4J's start-up banner and DL4J's INFO chatter only with {@code --verbose}.
 * The level is set before ND4J loads, so the banner never prints in quiet mode.
 */
public final class Logging {
    private Logging() {
    }

    /** Sets the root level to WARN (quiet) or INFO (verbose). */
    public static void configure(boolean verbose) {
        if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
            return;      // another SLF4J binding (e.g. the log4j one of a Spark installation under spark-submit): its own settings
        }
        root.setLevel(verbose ? Level.INFO : Level.WARN);
        // Spark and Hadoop warn about things a local run cannot change (the host name resolving to loopback,
        // no native Hadoop library): only their errors, unless --verbose
        for (String chatty : new String[] {"org.apache.spark", "org.apache.hadoop", "org.sparkproject"}) {
            if (LoggerFactory.getLogger(chatty) instanceof Logger l) {
                l.setLevel(verbose ? Level.INFO : Level.ERROR);
            }
        }
    }
}
