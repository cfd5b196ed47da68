package io.github.lstmsuite.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CliTest {
    @Command(name = "demo")
    static final class Demo implements Callable<String> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @Option(names = "--file")
        String file;

        @Override
        public String call() {
            if ("missing".equals(file)) {
                throw new UserException("--file missing: no such file");
            }
            if ("bug".equals(file)) {
                throw new IllegalStateException("a bug");
            }
            return "ran with seed " + common.seed;
        }
    }

    private static String[] run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            Cli.Outcome o = Cli.run(new Demo(), args);
            return new String[] {Integer.toString(o.exitCode()), String.valueOf(o.result()), err.toString()};
        } finally {
            System.setErr(old);
        }
    }

    /** The tests' configuration file (surefire's logback.configurationFile) loads; the levels follow --verbose. */
    @Test
    void theLogbackConfigurationLoadsAndTheLevelFollowsVerbose() {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var ctx = root.getLoggerContext();
        assertTrue(ctx.getStatusManager().getCopyOfStatusList().stream().noneMatch(st -> st.getLevel() >= ch.qos.logback.core.status.Status.ERROR),
                "the logback configuration must parse without errors");
        assertTrue(getClass().getClassLoader().getResource("logback.xml") == null, "no jar of the suite carries a logback.xml");
        Logging.configure(false);
        assertEquals(ch.qos.logback.classic.Level.WARN, root.getLevel());
        Logging.configure(true);
        assertEquals(ch.qos.logback.classic.Level.INFO, root.getLevel());
        Logging.configure(false);
    }

    @Test
    void successReturnsTheCommandsResult() {
        String[] r = run("--seed", "7");
        assertEquals("0", r[0]);
        assertEquals("ran with seed 7", r[1]);
    }

    @Test
    void aUserErrorIsOneLineAndExitCode2() {
        String[] r = run("--file", "missing");
        assertEquals("2", r[0]);
        assertEquals("error: --file missing: no such file\n", r[2].replace("\r", ""));
    }

    @Test
    void verboseAddsTheStackTrace() {
        String[] r = run("--file", "missing", "--verbose");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("at io.github.lstmsuite"), r[2]);
    }

    @Test
    void aBadFlagIsOneLineAndExitCode2() {
        String[] r = run("--epochs", "many");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: Invalid value for option '--epochs'"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        r = run("--no-such-flag");
        assertEquals("2", r[0]);
    }

    @Test
    void aBugExitsWith1AndShowsTheStackTrace() {
        String[] r = run("--file", "bug");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("IllegalStateException"), r[2]);
    }
}
