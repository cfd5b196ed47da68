package io.github.lstmsuite.common.train;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.report.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A model file: DL4J's {@link ModelSerializer} zip (configuration, parameters and, for checkpoints,
 * the updater state) plus text entries of our own under {@code lstm-suite/} — the app's configuration
 * (preprocessing, vocabulary…) and, in checkpoints, the training state. One file holds everything a
 * later {@code evaluate}, {@code predict} or {@code --resume} needs. Writes are atomic.
 */
public final class ModelZip {
    /** Prefix of our entries inside the zip. */
    public static final String PREFIX = "lstm-suite/";

    private ModelZip() {
    }

    /** Writes {@code model} with the given text entries ({@code name → content}) to {@code target}, atomically. */
    public static void save(Model model, Path target, boolean withUpdater, Map<String, String> entries) {
        AtomicFiles.write(target, tmp -> {
            Path modelOnly = AtomicFiles.tempSibling(target);
            try {
                ModelSerializer.writeModel(model, modelOnly.toFile(), withUpdater);
                try (ZipInputStream in = new ZipInputStream(Files.newInputStream(modelOnly));
                     OutputStream os = Files.newOutputStream(tmp);
                     ZipOutputStream out = new ZipOutputStream(os)) {
                    for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                        out.putNextEntry(new ZipEntry(e.getName()));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                    for (Map.Entry<String, String> e : entries.entrySet()) {
                        out.putNextEntry(new ZipEntry(PREFIX + e.getKey()));
                        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                        out.closeEntry();
                    }
                }
            } finally {
                Files.deleteIfExists(modelOnly);
            }
        });
    }

    /** Reads our text entry {@code name}, or {@code null} if the zip has none. */
    public static String readEntry(Path zip, String name) {
        checkReadable(zip);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(PREFIX + name);
            if (e == null) {
                return null;
            }
            try (InputStream in = z.getInputStream(e)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UserException(zip + ": not a model file (" + e.getMessage() + ")", e);
        }
    }

    /** Restores a {@link MultiLayerNetwork}. */
    public static MultiLayerNetwork loadMultiLayer(Path zip, boolean withUpdater) {
        checkReadable(zip);
        try {
            return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": not a MultiLayerNetwork model file (" + e.getMessage() + ")", e);
        }
    }

    /** Restores a {@link ComputationGraph}. */
    public static ComputationGraph loadGraph(Path zip, boolean withUpdater) {
        checkReadable(zip);
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": not a ComputationGraph model file (" + e.getMessage() + ")", e);
        }
    }

    private static void checkReadable(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new UserException(zip + ": no such model file");
        }
    }
}
