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
}
