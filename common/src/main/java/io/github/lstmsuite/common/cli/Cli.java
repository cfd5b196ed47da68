package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs a picocli command with the suite's conventions: a user error is one line on stderr and exit
 * code 2; an unexpected error prints its stack trace and exits with 1; {@code --verbose} (anywhere
 * on the command line) shows the stack trace of user errors too.
 */
public final class Cli {
    private Cli() {
    }

    /** What a command returned: its exit code and, on success, the value its {@code call()} returned. */
    public record Outcome(int exitCode, Object result) {
        /** The result cast to {@code type} (for tests and callers that know the command). */
        public <T> T result(Class<T> type) {
            return type.cast(result);
        }
    }

    /** Parses {@code args} against {@code command}, runs it and returns the exit code. */
    public static int execute(Object command, String... args) {
        return run(command, args).exitCode();
    }

    /**
     * Parses {@code args} against {@code command}, runs it, and returns the exit code together with
     * the result of the (sub)command that ran: an app's {@code main} and its tests take the same path.
     */
    public static Outcome run(Object command, String... args) {
        return run(new CommandLine(command), args);
    }

    private static Outcome run(CommandLine cli, String... args) {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("--verbose") || a.equals("-v"));
        Logging.configure(verbose);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage() + " (see --help)");
            err.flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            UserException user = findUserException(ex);
            if (user != null) {
                err.println("error: " + user.getMessage());
                if (verbose) {
                    user.printStackTrace(err);
                }
                err.flush();
                return ExitCodes.USAGE;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return ExitCodes.FAILURE;
        });
        int code = cli.execute(args);
        Object result = null;
        if (cli.getParseResult() != null) {
            var list = cli.getParseResult().asCommandLineList();
            result = list.get(list.size() - 1).getExecutionResult();
        }
        return new Outcome(code, result);
    }

    /**
     * As {@link #run}, but a command line without a subcommand (empty, or starting with an option other
     * than help/version) runs {@code defaultCommand}: {@code ./lstm mnist --quick} means
     * {@code ./lstm mnist train --quick}. The app's {@code --help} says so, and where the default command's flags are.
     */
    public static Outcome runDefaulting(Object command, String defaultCommand, String... args) {
        boolean noCommand = args.length == 0
                || (args[0].startsWith("-") && !java.util.List.of("-h", "--help", "-V", "--version").contains(args[0]));
        if (noCommand) {
            String[] withDefault = new String[args.length + 1];
            withDefault[0] = defaultCommand;
            System.arraycopy(args, 0, withDefault, 1, args.length);
            args = withDefault;
        }
        CommandLine cli = new CommandLine(command);
        String name = cli.getCommandName();
        cli.getCommandSpec().usageMessage().footer("", String.format("With no command, %s runs %s: ./lstm %s %s --help lists its flags.",
                name, defaultCommand, name, defaultCommand));
        return run(cli, args);
    }

    /** What a run printed besides what it returned. */
    public record Captured(Outcome outcome, String out, String err) {
    }

    /**
     * Runs {@code app} (e.g. {@code () -> MnistApp.runExample(args)}) with {@code System.out} and
     * {@code System.err} captured: how the apps' tests run exactly what a user runs and check what it printed.
     */
    public static Captured captured(java.util.function.Supplier<Outcome> app) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Outcome o = app.get();
            return new Captured(o, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static UserException findUserException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                return u;
            }
        }
        return null;
    }
}
