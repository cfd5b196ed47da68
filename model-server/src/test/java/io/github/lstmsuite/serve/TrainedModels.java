package io.github.lstmsuite.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmsuite.chars.CharApp;
import io.github.lstmsuite.common.cli.Cli;
import io.github.lstmsuite.forecast.ForecastApp;
import io.github.lstmsuite.mnist.MnistApp;
import io.github.lstmsuite.translate.TranslateApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small models of the four apps, trained once per test JVM exactly as a user trains them (each app's
 * {@code runExample}), in a few seconds each: what the server's tests serve.
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
        mnist = train(MnistApp.runExample("train", "--train-size", "20000", "--test-size", "1000", "--epochs", "3", "--seed", "1",
                "--output-dir", dir.resolve("mnist").toString()), dir.resolve("mnist"));
        chars = train(CharApp.runExample("--quick", "--seed", "1", "--sample-length", "20", "--output-dir", dir.resolve("chars").toString()),
                dir.resolve("chars"));
        forecast = train(ForecastApp.runExample("--quick", "--seed", "1", "--output-dir", dir.resolve("forecast").toString()),
                dir.resolve("forecast"));
        translate = train(TranslateApp.runExample("--task", "dates", "--quick", "--seed", "1", "--output-dir",
                dir.resolve("translate").toString()), dir.resolve("translate"));
    }

    private static Path train(Cli.Outcome o, Path runDir) {
        assertEquals(0, o.exitCode(), "training " + runDir.getFileName() + " failed");
        return runDir.resolve("model.zip");
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
