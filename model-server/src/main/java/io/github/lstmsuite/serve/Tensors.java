package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.train.ModelZip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Any DL4J model zip (an app's, a project's from {@code ./lstm new}, a plain {@code ModelSerializer} file) as
 * raw tensors in and out: what the Open Inference Protocol's {@code /v2/models/{name}/infer} calls. Requests
 * whose inputs have the same shapes apart from the batch dimension run together, stacked along dimension 0.
 * Not thread-safe: one {@link Batcher} worker owns it.
 */
final class Tensors {
    /** One input or output of the network: its name and shape ({@code -1} where any size goes). */
    record Port(String name, long[] shape) {
    }

    /** One request's input arrays, by input name, in the network's input order. */
    record Job(LinkedHashMap<String, INDArray> inputs) {
    }

    private final MultiLayerNetwork mln;
    private final ComputationGraph graph;
    private final List<Port> inputs;
    private final List<Port> outputs;

    private Tensors(MultiLayerNetwork mln, ComputationGraph graph) {
        this.mln = mln;
        this.graph = graph;
        if (mln != null) {
            org.deeplearning4j.nn.conf.layers.Layer first = mln.getLayerWiseConfigurations().getConf(0).getLayer();
            org.deeplearning4j.nn.conf.layers.Layer last = mln.getLayerWiseConfigurations().getConf(mln.getnLayers() - 1).getLayer();
            long nIn = nIn(first);
            long nOut = last instanceof FeedForwardLayer f ? f.getNOut() : -1;
            // recurrent input: [batch, features, time] (NCW); a feed-forward one: [batch, features]
            this.inputs = List.of(new Port("input", recurrent(first) ? new long[] {-1, nIn, -1} : new long[] {-1, nIn}));
            this.outputs = List.of(new Port("output", last instanceof org.deeplearning4j.nn.conf.layers.RnnOutputLayer
                    || recurrent(last) ? new long[] {-1, nOut, -1} : new long[] {-1, nOut}));
        } else {
            List<Port> in = new ArrayList<>();
            for (String n : graph.getConfiguration().getNetworkInputs()) {
                in.add(new Port(n, new long[] {-1, -1, -1}));
            }
            List<Port> out = new ArrayList<>();
            for (String n : graph.getConfiguration().getNetworkOutputs()) {
                out.add(new Port(n, new long[] {-1, -1, -1}));
            }
            this.inputs = List.copyOf(in);
            this.outputs = List.copyOf(out);
        }
    }

    /** The features a layer reads, looking through the wrappers (bidirectional, last time step). */
    private static long nIn(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional b) {
            return nIn(b.getFwd());
        }
        if (layer instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w) {
            return nIn(w.getUnderlying());
        }
        return layer instanceof FeedForwardLayer f ? f.getNIn() : -1;
    }

    private static boolean recurrent(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) {
            return true;
        }
        if (layer instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w) {
            return recurrent(w.getUnderlying());
        }
        return layer instanceof org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer
                || layer instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
    }

    /** Loads the network in {@code zip}: a {@link ComputationGraph} when its configuration has vertices, else a {@link MultiLayerNetwork}. */
    static Tensors load(Path zip) {
        ModelZip.checkEntries(zip);
        String conf;
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            java.util.zip.ZipEntry e = z.getEntry("configuration.json");
            if (e == null) {
                throw new io.github.lstmsuite.common.UserException(zip + ": not a DL4J model file (no configuration.json inside)");
            }
            try (java.io.InputStream in = z.getInputStream(e)) {
                conf = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (java.io.IOException e) {
            throw new io.github.lstmsuite.common.UserException(zip + ": not a model file, or damaged (" + e.getMessage() + ")");
        }
        return conf.contains("\"vertices\"") ? new Tensors(null, ModelZip.loadGraph(zip, false))
                : new Tensors(ModelZip.loadMultiLayer(zip, false), null);
    }

    List<Port> inputs() {
        return inputs;
    }

    List<Port> outputs() {
        return outputs;
    }

    /** "MultiLayerNetwork" or "ComputationGraph". */
    String kind() {
        return mln != null ? "MultiLayerNetwork" : "ComputationGraph";
    }

    /** Runs the jobs: those with equal shapes as one stacked batch each; outputs by name, one map per job. */
    List<Map<String, INDArray>> run(List<Job> jobs) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            StringBuilder key = new StringBuilder();
            jobs.get(i).inputs().values().forEach(a -> key.append(Arrays.toString(Arrays.copyOfRange(a.shape(), 1, a.rank()))).append(';'));
            groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(i);
        }
        List<Map<String, INDArray>> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            out.add(null);
        }
        for (List<Integer> group : groups.values()) {
            int nIn = jobs.get(group.get(0)).inputs().size();
            INDArray[] stacked = new INDArray[nIn];
            for (int k = 0; k < nIn; k++) {
                final int kk = k;
                INDArray[] parts = group.stream().map(j -> new ArrayList<>(jobs.get(j).inputs().values()).get(kk)).toArray(INDArray[]::new);
                stacked[k] = parts.length == 1 ? parts[0] : Nd4j.concat(0, parts);     // [sum of batches, ...]
            }
            INDArray[] results = mln != null ? new INDArray[] {mln.output(stacked[0], false)} : graph.output(false, stacked);
            long row = 0;
            for (int j : group) {
                long rows = jobs.get(j).inputs().values().iterator().next().size(0);
                Map<String, INDArray> m = new LinkedHashMap<>();
                for (int o = 0; o < results.length; o++) {
                    INDArray slice = results[o].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, row + rows));
                    m.put(outputs.get(o).name(), slice.dup());
                }
                out.set(j, m);
                row += rows;
            }
        }
        return out;
    }

    /** A float array of {@code shape} from row-major {@code data}. */
    static INDArray array(float[] data, long[] shape) {
        return Nd4j.create(data, shape, 'c');
    }
}
