package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.data.IdxReader;
import io.github.lstmsuite.common.report.Json;
import io.github.lstmsuite.common.train.ModelZip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./lstm mnist predict}: classify digit pictures or IDX images with a trained model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify digit images: PNG/JPEG of any size, or IDX image files.",
                "Images are made MNIST-like: greyscale, inverted if the background is light, cropped to the ink, "
                        + "scaled to 20 px, centred by mass in 28×28."})
final class MnistPredict implements Callable<MnistApp.PredictResult> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Images (PNG, JPEG) or IDX image files.")
    List<Path> files;

    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--json", description = "One JSON object per image on stdout.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N images of an IDX file (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public MnistApp.PredictResult call() {
        NativeSetup.apply(opts.threads);
        Path m = opts.locate(MnistApp.APP);
        MultiLayerNetwork net = ModelZip.loadMultiLayer(m, false);
        List<MnistApp.Prediction> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new UserException(f + ": no such file");
            }
            List<byte[]> images = new ArrayList<>();
            List<String> how = new ArrayList<>();
            if (isIdx(f)) {
                IdxReader.Images idx = IdxReader.readImages(f).head(limit);
                if (idx.rows() != 28 || idx.cols() != 28) {
                    throw new UserException(f + ": IDX images must be 28×28, these are " + idx.rows() + "×" + idx.cols());
                }
                for (int i = 0; i < idx.count(); i++) {
                    images.add(java.util.Arrays.copyOfRange(idx.pixels(), i * 784, (i + 1) * 784));
                    how.add("IDX image, used as is");
                }
            } else {
                DigitImages.Prepared p = DigitImages.read(f);
                images.add(p.pixels());
                how.add(String.format("%d×%d image → greyscale%s, cropped, scaled to 20 px, centred by mass in 28×28",
                        p.originalWidth(), p.originalHeight(), p.inverted() ? ", inverted (light background)" : ""));
            }
            IdxReader.Images batch = new IdxReader.Images(images.size(), 28, 28, concat(images));
            int[] idx = java.util.stream.IntStream.range(0, images.size()).toArray();
            double[][] probs;                                                     // [n, 10]
            try (INDArray x = MnistData.features(batch, idx); INDArray y = net.output(x, false)) {
                probs = DigitClassifier.rows(y);
            }
            for (int i = 0; i < images.size(); i++) {
                MnistApp.Prediction p = top3(f.toString(), images.size() > 1 ? i : -1, probs[i], how.get(i));
                out.add(p);
                print(p);
            }
        }
        return new MnistApp.PredictResult(m, out);
    }

    private void print(MnistApp.Prediction p) {
        String where = p.file() + (p.index() >= 0 ? "[" + p.index() + "]" : "");
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("file", p.file());
            if (p.index() >= 0) {
                o.put("index", p.index());
            }
            o.put("label", p.label());
            List<Map<String, Object>> top = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                top.add(Map.of("label", p.top3Labels().get(k), "probability", p.top3Probabilities().get(k)));
            }
            o.put("top3", top);
            o.put("preprocessing", p.preprocessing());
            System.out.println(Json.write(o).replaceAll("\\s*\\n\\s*", " "));
        } else {
            StringBuilder sb = new StringBuilder(String.format("%s: %d", where, p.label()));
            sb.append("   top 3:");
            for (int k = 0; k < 3; k++) {
                sb.append(String.format(" %d (%.3f)", p.top3Labels().get(k), p.top3Probabilities().get(k)));
            }
            System.out.println(sb);
        }
    }

    static MnistApp.Prediction top3(String file, int index, double[] probs, String how) {
        DigitClassifier.Classification c = DigitClassifier.classification(probs);       // the Java API's ranking
        List<Integer> labels = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (int d : c.top(3)) {
            labels.add(d);
            p.add(probs[d]);
        }
        return new MnistApp.Prediction(file, index, c.digit(), labels, p, how);
    }

    private static byte[] concat(List<byte[]> parts) {
        byte[] all = new byte[parts.size() * 784];
        for (int i = 0; i < parts.size(); i++) {
            System.arraycopy(parts.get(i), 0, all, i * 784, 784);
        }
        return all;
    }

    private static boolean isIdx(Path f) {
        try (var in = new java.io.DataInputStream(io.github.lstmsuite.common.data.ContentHash.openContent(f))) {
            return in.readInt() == IdxReader.IMAGES_MAGIC;
        } catch (IOException e) {
            return false;
        }
    }
}
