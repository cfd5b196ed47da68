package io.github.lstmsuite.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The small models of the four apps the server's tests serve: made by the apps as a user runs them
 * ({@code src/test/resources/models/make.sh} says how; a few seconds each) and kept as test resources, so the
 * server's tests spend their time serving. Copied to a temporary folder once per test JVM.
 */
final class TrainedModels {
    final Path dir;
    final Path mnist;
    final Path chars;
    final Path forecast;
    final Path translate;

    private static TrainedModels shared;

    private TrainedModels() throws IOException {
        dir = Files.createTempDirectory("serve-models");
        mnist = copy("mnist");
        chars = copy("chars");
        forecast = copy("forecast");
        translate = copy("translate");
    }

    /** {@code models/<app>.zip} as {@code <dir>/<app>/model.zip} (a run folder's layout). */
    private Path copy(String app) throws IOException {
        Path target = dir.resolve(app).resolve("model.zip");
        Files.createDirectories(target.getParent());
        try (InputStream in = TrainedModels.class.getResourceAsStream("/models/" + app + ".zip")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource models/" + app + ".zip: run src/test/resources/models/make.sh");
            }
            Files.copy(in, target);
        }
        return target;
    }

    static synchronized TrainedModels get() throws IOException {
        if (shared == null) {
            shared = new TrainedModels();
        }
        return shared;
    }

    /** The four, each under its app's name. */
    List<ModelSource> sources() {
        return List.of(ModelSource.file("mnist", mnist), ModelSource.file("chars", chars), ModelSource.file("forecast", forecast),
                ModelSource.file("translate", translate));
    }
}
