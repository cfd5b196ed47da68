package io.github.lstmsuite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Same seed, same numbers, for any number of worker threads; workers are awaited; BLAS runs single-threaded. */
class FastLstmThreadsTest {

    private static float[] trainWith(int workers) {
        return SystemProperty.with("lstm.suite.workers", Integer.toString(workers), () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                    .dataType(DataType.FLOAT).updater(new Adam(0.01)).list()
                    .layer(new FastLstm.Builder().nIn(3).nOut(8).activation(Activation.TANH).build())
                    .layer(new FastLstm.Builder().nIn(8).nOut(8).activation(Activation.TANH).build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                            .nIn(8).nOut(2).build())
                    .build());
            net.init();
            for (int step = 0; step < 5; step++) {
                Nd4j.getRandom().setSeed(100 + step);
                INDArray x = Nd4j.rand(DataType.FLOAT, 100, 3, 6);              // 100 rows: three blocks
                INDArray y = Nd4j.zeros(DataType.FLOAT, 100, 2, 6);
                for (int b = 0; b < 100; b++) {
                    for (int t = 0; t < 6; t++) {
                        y.putScalar(b, (b + t) % 2, t, 1f);
                    }
                }
                net.fit(new DataSet(x, y));
            }
            return net.params().toFloatVector();
        });
    }

    @Test
    void sameParametersForOneTwoAndFiveWorkers() {
        float[] one = trainWith(1);
        assertArrayEquals(one, trainWith(2), "1 versus 2 workers");
        assertArrayEquals(one, trainWith(5), "1 versus 5 workers");
    }

    @Test
    void sameParametersForOneTwoAndFiveWorkersThroughOneDnn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(DnnlLstm.available(), "oneDNN does not load on this platform");
        System.setProperty("lstm.suite.dnnl.minHidden", "1");
        System.setProperty("lstm.suite.dnnl.minSteps", "2");       // both layers through oneDNN
        try {
            float[] one = trainWith(1);
            assertArrayEquals(one, trainWith(2), "1 versus 2 workers");
            assertArrayEquals(one, trainWith(5), "1 versus 5 workers");
        } finally {
            System.clearProperty("lstm.suite.dnnl.minHidden");
            System.clearProperty("lstm.suite.dnnl.minSteps");
        }
    }

    @Test
    void blocksDependOnTheBatchSizeOnly() {
        assertArrayEquals(new int[] {0, 7}, FastLstmLayer.blocks(7));
        assertArrayEquals(new int[] {0, 16, 32}, FastLstmLayer.blocks(32));
        assertArrayEquals(new int[] {0, 32, 64}, FastLstmLayer.blocks(64));
        assertArrayEquals(new int[] {0, 32, 64, 96, 128}, FastLstmLayer.blocks(128));
    }

    @Test
    void aFailingBlockStillAwaitsTheOthers() {
        AtomicBoolean slowBlockDone = new AtomicBoolean();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        RuntimeException e = assertThrows(RuntimeException.class, () -> FastLstmLayer.runBlocks(2, 2, k -> {
            try {
                if (k == 0) {                           // fail while block 1 is running
                    started.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    throw new IllegalArgumentException("block 0 fails");
                }
                started.countDown();
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            slowBlockDone.set(true);
        }));
        assertEquals("block 0 fails", e.getMessage());
        assertTrue(slowBlockDone.get(), "runBlocks returned while block 1 was still running");
    }

    @Test
    void blasRunsSingleThreadedUnderTheWorkers() {
        openblas_nolapack.blas_set_num_threads(2);
        new FastLstmLayer(new NeuralNetConfiguration.Builder().layer(
                new FastLstm.Builder().nIn(2).nOut(2).activation(Activation.TANH).build()).build(), DataType.FLOAT);
        assertEquals(1, openblas_nolapack.blas_get_num_threads());
    }
}
