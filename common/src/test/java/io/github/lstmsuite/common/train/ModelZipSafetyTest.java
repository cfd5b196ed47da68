package io.github.lstmsuite.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.UserException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;

/** Model files from elsewhere: no Java object is deserialised; another app's model is named, in one line. */
class ModelZipSafetyTest {

    /** A class whose deserialisation has a visible side effect, as an attacker's gadget would. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean ran;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            ran = true;
        }
    }

    private static MultiLayerNetwork tinyNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(3).build())
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build()).build());
        net.init();
        return net;
    }

    /** {@code source}'s entries plus {@code extraName} holding {@code extra}. */
    private static Path withEntry(Path source, Path target, String extraName, byte[] extra) throws IOException {
        try (ZipFile in = new ZipFile(source.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (var e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                out.putNextEntry(new ZipEntry(z.getName()));
                in.getInputStream(z).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(extraName));
            out.write(extra);
            out.closeEntry();
        }
        return target;
    }

    @Test
    void aSerialisedObjectInsideAModelIsRefusedNotDeserialised(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.zip");
        ModelZip.save(tinyNet(), good, false, Map.of(Trainer.CONFIG_ENTRY, "{\"pixelScale\":1.0}"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
            oos.writeObject(new Gadget());
        }
        Path evil = withEntry(good, dir.resolve("evil.zip"), "preprocessor.bin", bytes.toByteArray());
        Gadget.ran = false;
        UserException e = assertThrows(UserException.class, () -> ModelZip.loadMultiLayer(evil, false));
        assertTrue(e.getMessage().contains("preprocessor.bin"), e.getMessage());
        assertThrows(UserException.class, () -> ModelZip.loadGraph(evil, false));
        assertThrows(UserException.class, () -> ModelZip.readEntry(evil, Trainer.CONFIG_ENTRY));
        assertEquals(false, Gadget.ran, "the gadget's readObject ran");
        // the same file without the extra entry loads
        assertEquals(tinyNet().numParams(), ModelZip.loadMultiLayer(good, false).numParams());
    }

    @Test
    void unexpectedEntriesAndNonZipsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.zip");
        ModelZip.save(tinyNet(), good, false, Map.of());
        Path odd = withEntry(good, dir.resolve("odd.zip"), "objects/x", new byte[] {1});
        assertTrue(assertThrows(UserException.class, () -> ModelZip.checkEntries(odd)).getMessage().contains("objects/x"));
        Path text = Files.writeString(dir.resolve("text.zip"), "not a zip at all");
        String msg = assertThrows(UserException.class, () -> ModelZip.loadMultiLayer(text, false)).getMessage();
        assertTrue(msg.startsWith(text + ": not a model file"), msg);
        assertTrue(!msg.contains("\n"));
    }

    @Test
    void anotherAppsModelOrAPlainDl4jModelIsNamed(@TempDir Path dir) throws Exception {
        Path mnist = dir.resolve("mnist.zip");
        ModelZip.save(tinyNet(), mnist, false, Map.of(Trainer.CONFIG_ENTRY, "{\"preset\":\"seed\",\"pixelScale\":255.0}"));
        assertEquals("mnist", ModelZip.appOf(mnist));
        ModelZip.requireApp(mnist, "mnist");
        String msg = assertThrows(UserException.class, () -> ModelZip.requireApp(mnist, "chars")).getMessage();
        assertEquals(mnist + ": this is a mnist model (use it with ./lstm mnist), not a chars model", msg);

        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(tinyNet(), plain.toFile(), false);
        assertNull(ModelZip.appOf(plain));
        msg = assertThrows(UserException.class, () -> ModelZip.requireApp(plain, "forecast")).getMessage();
        assertTrue(msg.contains("a plain DL4J model file, not an lstm-suite forecast model"), msg);
    }
}
