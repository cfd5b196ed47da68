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
 *
 * <p><b>Loading is safe against crafted files.</b> DL4J's {@link ModelSerializer} reads an optional
 * {@code preprocessor.bin} entry with Java deserialisation ({@code ObjectInputStream.readObject}), which
 * runs code chosen by whoever made the file. Before DL4J sees a file, every entry name is checked against
 * the entries a suite model has ({@link #ALLOWED_ENTRIES} and our {@code lstm-suite/} text entries); any
 * other entry is refused with a one-line error, so no Java object is ever deserialised. The rest of a
 * model (JSON configuration, raw parameter arrays) is data. Even so, treat a model file from someone
 * else like code: its configuration names the layer classes that are instantiated.
 */
public final class ModelZip {
    /** Prefix of our entries inside the zip. */
    public static final String PREFIX = "lstm-suite/";

    /** The DL4J entries a suite model may hold; anything else (e.g. {@code preprocessor.bin}) is refused. */
    public static final java.util.Set<String> ALLOWED_ENTRIES = java.util.Set.of(
            "configuration.json", "coefficients.bin", "updaterState.bin", "noParams.marker");

    /** The apps whose models this class recognises, with a key only that app's stored configuration has. */
    private static final Map<String, String> APP_KEYS = new java.util.LinkedHashMap<>();

    static {
        APP_KEYS.put("translate", "sourceVocab");
        APP_KEYS.put("forecast", "horizon");
        APP_KEYS.put("chars", "vocabulary");
        APP_KEYS.put("mnist", "pixelScale");
    }

    private ModelZip() {
    }

    /**
     * Refuses a file that is not a zip, or holds an entry a suite model does not have (the only way DL4J's
     * loader would deserialise Java objects). One-line {@link UserException}s name the file and the entry.
     */
    public static void checkEntries(Path zip) {
        checkReadable(zip);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            var entries = z.entries();
            int count = 0;
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                count++;
                if (!ALLOWED_ENTRIES.contains(name) && !(name.startsWith(PREFIX) && !name.contains(".."))) {
                    throw new UserException(zip + ": refusing to load a model file with the entry '" + name
                            + "' (a suite model holds only " + String.join(", ", new java.util.TreeSet<>(ALLOWED_ENTRIES))
                            + " and " + PREFIX + "*; DL4J would deserialise Java objects from it)");
                }
            }
            if (z.getEntry("configuration.json") == null) {
                throw new UserException(zip + ": not a model file (no configuration.json inside; " + count + " entries)");
            }
        } catch (IOException e) {
            throw new UserException(zip + ": not a model file (" + describe(e) + ")", e);
        }
    }

    /**
     * Which app made this model file ({@code mnist}, {@code chars}, {@code forecast}, {@code translate}),
     * or {@code null} for a plain DL4J model without the suite's configuration.
     */
    public static String appOf(Path zip) {
        String json = readEntry(zip, "config.json");
        if (json == null) {
            return null;
        }
        try {
            org.nd4j.shade.jackson.databind.JsonNode node = io.github.lstmsuite.common.report.Json.mapper().readTree(json);
            for (Map.Entry<String, String> e : APP_KEYS.entrySet()) {
                if (node.has(e.getValue()) || (node.has("run") && node.get("run").has(e.getValue()))) {
                    return e.getKey();
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": damaged model file (its " + PREFIX + "config.json is not JSON)", e);
        }
    }

    /** Refuses (one line) a model file that another app made, or a plain DL4J model, where {@code app}'s is needed. */
    public static void requireApp(Path zip, String app) {
        checkEntries(zip);
        String found = appOf(zip);
        if (found == null) {
            throw new UserException(zip + ": a plain DL4J model file, not an lstm-suite " + app
                    + " model (it has no " + PREFIX + "config.json)");
        }
        if (!found.equals(app)) {
            throw new UserException(zip + ": this is " + ("unknown".equals(found) ? "not an lstm-suite model"
                    : "a " + found + " model (use it with ./lstm " + found + ")") + ", not a " + app + " model");
        }
    }

    /**
     * The model file a command uses: {@code model}, or the newest {@code runs/<app>/…/model.zip} when it is
     * {@code null}; it must exist and be a model of {@code app} (one-line errors otherwise).
     */
    public static Path locate(Path model, String app) {
        Path path = model != null ? model : io.github.lstmsuite.common.report.RunDirs.newestModel(app);
        if (!Files.isRegularFile(path)) {
            throw new UserException("--model " + path + ": no such file");
        }
        requireApp(path, app);
        return path;
    }

    /** A model file and the run configuration stored in it. */
    public record Stored<T>(Path path, T config) {
    }

    /** {@link #locate}s the model, then reads the run configuration its training stored in it, as a {@code type}. */
    public static <T> Stored<T> stored(Path model, String app, Class<T> type) {
        Path path = locate(model, app);
        String json = readEntry(path, Trainer.CONFIG_ENTRY);
        if (json == null) {
            throw new UserException(path + ": not a " + app + " model (no " + Trainer.CONFIG_ENTRY + " inside)");
        }
        return new Stored<>(path, parse(path, json, type));
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Writes {@code model} with the given text entries ({@code name → content}) to {@code target}, atomically.
     *
     * <p>The DL4J part is the same as {@link ModelSerializer#writeModel(Model, java.io.File, boolean)} writes
     * (its entries, their format, so {@code ModelSerializer} and older suite versions read it), written in
     * one pass with our entries and without compression (deflate's stored blocks, which every zip reader
     * reads): parameters are floats that deflate barely shrinks (a translator checkpoint: 29 MB → 27 MB at
     * its fastest level, which still took 0.9 s of the trainer's time per checkpoint), and DL4J's default
     * level followed by a second pass to add our entries took several seconds.
     */
    public static void save(Model model, Path target, boolean withUpdater, Map<String, String> entries) {
        AtomicFiles.write(target, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp);
                 ZipOutputStream out = new ZipOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
                out.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                String json = model instanceof MultiLayerNetwork m ? m.getLayerWiseConfigurations().toJson()
                        : ((ComputationGraph) model).getConfiguration().toJson();
                out.putNextEntry(new ZipEntry(ModelSerializer.CONFIGURATION_JSON));
                out.write(json.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
                java.io.DataOutputStream data = new java.io.DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
                if (model.params() != null) {
                    out.putNextEntry(new ZipEntry(ModelSerializer.COEFFICIENTS_BIN));
                    org.nd4j.linalg.factory.Nd4j.write(model.params(), data);
                    data.flush();
                    out.closeEntry();
                } else {
                    out.putNextEntry(new ZipEntry(ModelSerializer.NO_PARAMS_MARKER));
                    out.closeEntry();
                }
                org.nd4j.linalg.api.ndarray.INDArray updater = !withUpdater ? null : model instanceof MultiLayerNetwork m
                        ? m.getUpdater().getStateViewArray() : ((ComputationGraph) model).getUpdater().getStateViewArray();
                if (updater != null && updater.length() > 0) {
                    out.putNextEntry(new ZipEntry(ModelSerializer.UPDATER_BIN));
                    org.nd4j.linalg.factory.Nd4j.write(updater, data);
                    data.flush();
                    out.closeEntry();
                }
                for (Map.Entry<String, String> e : entries.entrySet()) {
                    out.putNextEntry(new ZipEntry(PREFIX + e.getKey()));
                    out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
        });
    }

    /** {@code json}, read from {@code zip}'s entry, as a {@code type}; damaged JSON is a one-line error naming the file. */
    public static <T> T parse(Path zip, String json, Class<T> type) {
        try {
            return io.github.lstmsuite.common.report.Json.read(json, type);
        } catch (RuntimeException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().lines().findFirst().orElse("");
            throw new UserException(zip + ": damaged model file (its stored configuration does not read: " + m + ")", e);
        }
    }

    /** Reads our text entry {@code name}, or {@code null} if the zip has none. */
    public static String readEntry(Path zip, String name) {
        checkEntries(zip);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(PREFIX + name);
            if (e == null) {
                return null;
            }
            try (InputStream in = z.getInputStream(e)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UserException(zip + ": not a model file, or damaged (" + describe(e) + ")", e);
        }
    }

    /** Restores a {@link MultiLayerNetwork}. */
    public static MultiLayerNetwork loadMultiLayer(Path zip, boolean withUpdater) {
        checkEntries(zip);
        try {
            return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": not a MultiLayerNetwork model file, or damaged (" + describe(e) + ")", e);
        }
    }

    /** Restores a {@link ComputationGraph}. */
    public static ComputationGraph loadGraph(Path zip, boolean withUpdater) {
        checkEntries(zip);
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new UserException(zip + ": not a ComputationGraph model file, or damaged (" + describe(e) + ")", e);
        }
    }

    private static void checkReadable(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new UserException(zip + ": no such model file");
        }
    }
}
