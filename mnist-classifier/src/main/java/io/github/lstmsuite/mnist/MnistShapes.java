package io.github.lstmsuite.mnist;

import io.github.lstmsuite.mnist.MnistData.Split;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@code --explain}: the tensor shape at each stage of the real network, beside PyTorch's. */
final class MnistShapes {
    private MnistShapes() {
    }

    /**
     * The tensor shape at each stage of the real network on two test images, next to PyTorch's shapes
     * in “LSTM use cases and a PyTorch example” ({@code batch_first=True}). Every DL4J shape is checked, not just printed.
     */
    static String explain(MultiLayerNetwork net, Split split) {
        DataSet ds = MnistData.slice(split, 0, 2);
        INDArray x = ds.getFeatures();
        List<INDArray> acts = net.feedForward(x, false);     // [input, layer 0 out, layer 1 out, ...]
        int nLayers = net.getnLayers();
        StringBuilder sb = new StringBuilder("\ntensor shapes (B = 2 images):\n");
        sb.append(String.format("  %-26s %-16s %-36s %s%n", "stage", "DL4J", "meaning", "PyTorch (batch_first=True)"));
        row(sb, "input", x, new long[] {2, 28, 28}, "[batch, features=28 px, time=28 rows]", "x: (2, 28, 28) = (batch, time, input_size)");
        for (int i = 0; i < nLayers - 1; i++) {
            Layer layer = net.getLayer(i);
            INDArray out = acts.get(i + 1);
            long width = out.size(1);
            if (layer instanceof LastTimeStepLayer last) {
                INDArray seq = last.getUnderlying().activate(acts.get(i), false, LayerWorkspaceMgr.noWorkspaces());
                row(sb, "LSTM " + (i + 1) + " output (all steps)", seq, new long[] {2, width, 28}, "[batch, hidden, time]",
                        "out: (2, 28, " + width + ") = (batch, time, hidden)");
                row(sb, "last time step", out, new long[] {2, width}, "[batch, hidden]", "out[:, -1, :]: (2, " + width + ")");
            } else {
                row(sb, "LSTM " + (i + 1) + " output", out, new long[] {2, width, 28}, "[batch, hidden, time]",
                        "(2, 28, " + width + ")");
            }
        }
        row(sb, "output (softmax)", acts.get(nLayers), new long[] {2, 10}, "[batch, classes] probabilities",
                "fc(...): (2, 10) logits; CrossEntropyLoss applies log-softmax");
        sb.append("  h_n, c_n of the last layer: [batch, hidden] per layer in DL4J (rnnGetPreviousState); PyTorch: (num_layers, batch, hidden)\n\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String stage, INDArray a, long[] expected, String meaning, String torch) {
        if (!java.util.Arrays.equals(a.shape(), expected)) {
            throw new IllegalStateException(stage + ": shape " + java.util.Arrays.toString(a.shape()) + ", expected "
                    + java.util.Arrays.toString(expected));
        }
        sb.append(String.format("  %-26s %-16s %-36s %s%n", stage, java.util.Arrays.toString(a.shape()), meaning, torch));
    }

}
