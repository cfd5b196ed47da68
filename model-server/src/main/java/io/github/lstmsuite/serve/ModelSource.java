package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.RunDirs;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a served model comes from: a fixed file, or the newest full run of an app under a runs folder (then a
 * newer run replaces it when it appears).
 *
 * @param name the name in the model's URLs
 * @param file the model file, or {@code null} for "the newest run of {@code app}"
 * @param app  the app whose newest run is served (with {@code file == null})
 * @param runs the runs folder ({@code runs/} by default)
 */
public record ModelSource(String name, Path file, String app, Path runs) {
    public ModelSource {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new UserException("model name '" + name + "': use letters, digits, '.', '_' and '-' (up to 64)");
        }
    }

    /** A fixed file. */
    public static ModelSource file(String name, Path file) {
        return new ModelSource(name, file, null, null);
    }

    /** The newest full run of {@code app} under {@code runs}, named {@code app}. */
    public static ModelSource newestRun(String app, Path runs) {
        return new ModelSource(app, null, app, runs);
    }

    /** The file to load now: the fixed one, or the newest run's. */
    public Path resolve() {
        Path p = file != null ? file : RunDirs.newestModel(runs.resolve(app), app);
        if (!Files.isRegularFile(p)) {
            throw new UserException(p + ": no such model file");
        }
        return p;
    }

    /** What the model follows, for the listing: the file, or {@code runs/<app> (newest)}. */
    public String describe() {
        return file != null ? file.toString() : runs.resolve(app) + " (newest full run)";
    }
}
