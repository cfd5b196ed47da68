package io.github.lstmsuite.common.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The run folder: {@code --output-dir}, else {@code runs/<app>/<yyyyMMdd-HHmmss>}. */
public final class RunDirs {
    private RunDirs() {
    }

    /** Creates (if needed) and returns the run folder; an unusable {@code --output-dir} is a user error. */
    public static Path create(Path requested, String app) {
        Path dir = requested != null ? requested
                : Paths.get("runs", app, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new io.github.lstmsuite.common.UserException("--output-dir " + dir + ": cannot create it (" + e.getMessage() + ")");
        }
        return dir;
    }

    /**
     * The newest {@code runs/<app>/<run>/model.zip} (by modification time), for commands given no
     * {@code --model}; none is a user error that says how to make one.
     */
    public static Path newestModel(String app) {
        Path runs = Paths.get("runs", app);
        try (java.util.stream.Stream<Path> s = Files.isDirectory(runs) ? Files.list(runs) : java.util.stream.Stream.empty()) {
            return s.map(d -> d.resolve("model.zip")).filter(Files::isRegularFile)
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new io.github.lstmsuite.common.UserException("no model given and none in "
                            + runs.toAbsolutePath() + ": train one with ./lstm " + app + ", or pass --model FILE"));
        } catch (IOException e) {
            throw new io.github.lstmsuite.common.UserException("cannot list " + runs + ": " + e.getMessage());
        }
    }
}
