package io.github.lstmsuite.mnist;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.ModelOptions;
import io.github.lstmsuite.common.cli.NativeSetup;
import io.github.lstmsuite.common.data.DatasetResolver;
import io.github.lstmsuite.common.eval.ClassificationReport;
import io.github.lstmsuite.common.train.ModelZip;
import io.github.lstmsuite.mnist.MnistData.Split;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lstm mnist evaluate}: accuracy, per-class scores and the confusion matrix of a trained model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Accuracy, per-class precision/recall/F1 and the confusion matrix of a trained model.")
final class MnistEvaluate implements Callable<MnistApp.EvaluateResult> {
    @Mixin
    ModelOptions opts = new ModelOptions();

    @Option(names = "--images", paramLabel = "FILE", description = "IDX images file (default: the MNIST test set).")
    Path images;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels file, with --images.")
    Path labels;

    @Override
    public MnistApp.EvaluateResult call() {
        if ((images == null) != (labels == null)) {
            throw new UserException("--images and --labels go together: give both or neither");
        }
        NativeSetup.apply(opts.threads);
        Path m = opts.locate(MnistApp.APP);
        MultiLayerNetwork net = ModelZip.loadMultiLayer(m, false);
        Split split = images != null ? MnistData.read(images, labels)
                : MnistData.loadTest(DatasetResolver.standard(), 10000);
        ClassificationReport report = MnistApp.evaluate(net, split);
        System.out.println("model " + m + " on " + split.size() + " images");
        System.out.print(report.format());
        return new MnistApp.EvaluateResult(m, split.size(), report);
    }
}

