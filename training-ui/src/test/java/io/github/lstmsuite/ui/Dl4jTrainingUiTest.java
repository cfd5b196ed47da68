package io.github.lstmsuite.ui;

import io.github.lstmsuite.layers.DotAttention;
import io.github.lstmsuite.layers.FastLstm;
import io.github.lstmsuite.layers.SoftmaxOutput;
import io.github.lstmsuite.common.train.LiveView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DL4J's training UI as --ui starts it: loopback only, a free port, the score of the suite's own layers on its page. */
class Dl4jTrainingUiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    /** x: [batch 8, features 3, time 5]; y: the class index per step [8, 1, 5] (SoftmaxOutput's labels). */
    private static DataSet batch(int step) {
        Nd4j.getRandom().setSeed(100 + step);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 5);
        INDArray y = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).gt(0.5).castTo(DataType.FLOAT);
        return new DataSet(x, y);
    }

    private static MultiLayerNetwork fastLstmNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new FastLstm.Builder().nIn(3).nOut(8).activation(Activation.TANH).build())
                .layer(new SoftmaxOutput.Builder().nIn(8).nOut(2).build())
                .build());
        net.init();
        return net;
    }

    /** The scores the overview page charts, from the JSON its script fetches. */
    private static List<Double> scores(String overviewJson) {
        Matcher m = Pattern.compile("\"scores\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(overviewJson);
        assertTrue(m.find(), overviewJson);
        return m.group(1).isBlank() ? List.of()
                : java.util.Arrays.stream(m.group(1).split(",")).map(String::trim).map(Double::valueOf).toList();
    }

    /** The overview's JSON once it holds at least {@code points} scores: the UI routes stats to its page every 0.5 s. */
    private static String overviewWith(int port, int points) throws Exception {
        String json = "";
        for (long end = System.nanoTime() + 15_000_000_000L; System.nanoTime() < end; Thread.sleep(200)) {
            json = get("http://127.0.0.1:" + port + "/train/overview/data");
            if (scores(json).size() >= points) {
                return json;
            }
        }
        return json;
    }

    @Test
    void servesTheScoreOfAFastLstmNetworkOnLoopbackOnly() throws Exception {
        try (Dl4jTrainingUi.Session ui = Dl4jTrainingUi.start(0)) {
            assertEquals("http://127.0.0.1:" + ui.port() + "/train/overview", ui.address());
            MultiLayerNetwork net = fastLstmNet();
            net.addListeners(ui.listener());
            for (int step = 0; step < 30; step++) {
                net.fit(batch(step));
            }
            assertTrue(get(ui.address()).contains("<title>DL4J Training UI</title>"));
            List<Double> scores = scores(overviewWith(ui.port(), 5));
            // every 5th of 30 iterations; DL4J's score: the loss summed over the 5 time steps, about 5·ln 2 at first
            assertTrue(scores.size() >= 5, "scores " + scores);
            assertEquals(5 * Math.log(2), scores.get(0), 0.5);
            assertTrue(scores.stream().allMatch(Double::isFinite), "scores " + scores);

            // nothing answers on this machine's other addresses
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        try (Socket s = new Socket()) {
                            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(a, ui.port()), 2000),
                                    "the UI answers on " + a);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSecondUiGetsAnotherFreePortInsteadOfFailing() throws Exception {
        try (Dl4jTrainingUi.Session first = Dl4jTrainingUi.start(0);
             Dl4jTrainingUi.Session second = Dl4jTrainingUi.start(first.port())) {
            assertNotEquals(first.port(), second.port());
            assertTrue(get(second.address()).contains("DL4J Training UI"));
            assertTrue(get(first.address()).contains("DL4J Training UI"));
        }
    }

    @Test
    void theProviderIsFoundByTheSuitesLookupAndWatchesAnAttentionGraph() throws Exception {
        try (LiveView view = LiveView.open("test")) {
            assertTrue(view instanceof Dl4jTrainingUi.Session, view.getClass().getName());
            // the translator's kind of network: two FastLstm encoders/decoders, the attention vertex, SoftmaxOutput
            ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                    .updater(new Adam(0.01)).graphBuilder()
                    .addInputs("src", "tgt")
                    .addLayer("enc", new FastLstm.Builder().nIn(3).nOut(6).activation(Activation.TANH).build(), "src")
                    .addLayer("dec", new FastLstm.Builder().nIn(3).nOut(6).activation(Activation.TANH).build(), "tgt")
                    .addVertex("att", new DotAttention(), "dec", "enc")
                    .addLayer("out", new SoftmaxOutput.Builder().nIn(6).nOut(2).build(), "att")
                    .setOutputs("out").build());
            g.init();
            g.addListeners(view.listener());
            for (int step = 0; step < 20; step++) {
                DataSet d = batch(step);
                g.fit(new MultiDataSet(new INDArray[] {d.getFeatures(), d.getFeatures().mul(-1)}, new INDArray[] {d.getLabels()}));
            }
            int port = ((Dl4jTrainingUi.Session) view).port();
            String json = overviewWith(port, 3);
            assertTrue(scores(json).size() >= 3, json);
            assertTrue(json.contains("ComputationGraph"), json);
        }
    }
}
