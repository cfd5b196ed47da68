package io.github.lstmsuite.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import org.slf4j.LoggerFactory;

/**
 * Quiet logging by default: ND4J's start-up banner and DL4J's INFO chatter only with {@code --verbose}, on stderr so
 * that stdout holds only what the command prints. The level is set before ND4J loads, so the banner never prints in
 * quiet mode. No jar of the suite carries a {@code logback.xml} (a library leaves logging to the application that uses
 * it): the command line configures logback here, in code, unless a configuration file was given
 * ({@code -Dlogback.configurationFile=…}, or a {@code logback.xml} of the application's own), which then decides.
 */
public final class Logging {
    private static final String STDERR = "STDERR";

    private Logging() {
    }

    /** Sets the root level to WARN (quiet) or INFO (verbose). */
    public static void configure(boolean verbose) {
        if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
            return;      // another SLF4J binding (e.g. the log4j one of a Spark installation under spark-submit): its own settings
        }
        LoggerContext ctx = root.getLoggerContext();
        if (ConfigurationWatchListUtil.getMainWatchURL(ctx) != null) {
            root.setLevel(verbose ? Level.INFO : Level.WARN);     // a configuration file's appenders stay
        } else if (root.getAppender(STDERR) == null) {
            // logback's own default (no file): everything to stdout; ours: one line per message on stderr
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(ctx);
            encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
            encoder.start();
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(ctx);
            appender.setName(STDERR);
            appender.setTarget("System.err");
            appender.setEncoder(encoder);
            appender.start();
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
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
