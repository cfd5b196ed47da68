package io.github.lstmsuite.common.report;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lstm runs}: the runs under {@code runs/}, newest first, with their headline metric; and
 * {@code ./lstm report DIR}: (re)builds a run folder's {@code report.html}.
 */
@Command(name = "lstm", mixinStandardHelpOptions = true, version = "lstm-suite 0.1.0",
        subcommands = {RunsApp.Runs.class, RunsApp.Report.class})
public final class RunsApp {
    public static void main(String[] args) {
        System.exit(runExample(args).exitCode());
    }

    /** Runs the command line as the launcher does ({@code runs …} or {@code report …}). */
    public static Cli.Outcome runExample(String... args) {
        return Cli.run(new RunsApp(), args);
    }

    /** One run: its folder, app, when it finished, its headline, whether it was a smoke run. */
    public record Run(Path dir, String app, String finished, String headline, boolean quick) {
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List the runs under runs/ (or DIR), newest first, with their headline metric.")
    static final class Runs implements Callable<List<Run>> {
        @Parameters(arity = "0..1", paramLabel = "DIR", description = "The runs folder (default: runs).")
        Path root = Paths.get("runs");

        @Override
        public List<Run> call() {
            if (!Files.isDirectory(root)) {
                throw new UserException(root + ": no such folder (runs are written under runs/<app>/<time> when you train)");
            }
            List<Run> runs = new ArrayList<>();
            // run folders: runs/<app>/<time>, or any folder one or two levels down that holds a run's files
            try (Stream<Path> walk = Files.walk(root, 2)) {
                for (Path d : walk.filter(Files::isDirectory).filter(p -> !p.equals(root)).toList()) {
                    if (!Files.isRegularFile(d.resolve("summary.json")) && !Files.isRegularFile(d.resolve("metrics.csv"))
                            || Files.isRegularFile(d.getParent().resolve("summary.json"))) {    // not a run, or a part of one
                        continue;
                    }
                    Map<String, Object> s = RunDirs.summaryOf(d);
                    String app = s.get("app") != null ? String.valueOf(s.get("app")) : d.getParent().getFileName().toString();
                    String problem = RunDirs.summaryProblem(d);
                    String headline = problem != null ? "(summary.json damaged: " + problem + ")"
                            : s.get("headline") == null ? null : String.valueOf(s.get("headline"));
                    runs.add(new Run(d, app, s.get("finishedAt") == null ? null : String.valueOf(s.get("finishedAt")),
                            headline, Boolean.TRUE.equals(s.get("quick"))));
                }
            } catch (IOException e) {
                throw new UserException("cannot list " + root + ": " + e.getMessage());
            }
            runs.sort(Comparator.comparing((Run r) -> r.finished() == null ? "" : r.finished()).reversed());
            for (Run r : runs) {
                System.out.printf("%-10s %-40s %s%s%n", r.app(), r.dir(), r.headline() != null ? r.headline()
                        : r.finished() == null ? "(not finished)" : "finished " + r.finished(), r.quick() ? "  [--quick smoke run]" : "");
            }
            if (runs.isEmpty()) {
                System.out.println("no runs under " + root);
            }
            return runs;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Write report.html in each run folder given (a self-contained page: open it in a browser).")
    static final class Report implements Callable<List<Path>> {
        @Parameters(arity = "1..*", paramLabel = "DIR", description = "Run folders.")
        List<Path> dirs;

        @Override
        public List<Path> call() {
            List<Path> out = new ArrayList<>();
            String damaged = null;
            for (Path d : dirs) {
                if (!Files.isDirectory(d)) {
                    throw new UserException(d + ": no such run folder");
                }
                if (!Files.isRegularFile(d.resolve("summary.json")) && !Files.isRegularFile(d.resolve("metrics.csv"))) {
                    throw new UserException(d + ": not a run folder (no summary.json or metrics.csv)");
                }
                Path f = RunReport.write(d);
                System.out.println(f.toAbsolutePath().normalize());
                out.add(f);
                String problem = RunDirs.summaryProblem(d);
                if (problem != null && damaged == null) {
                    damaged = d.resolve("summary.json") + ": " + problem + "; report.html shows what the other files hold";
                }
            }
            if (damaged != null) {
                throw new UserException(damaged);          // every page is written; the exit code says a file is damaged
            }
            return out;
        }
    }
}
