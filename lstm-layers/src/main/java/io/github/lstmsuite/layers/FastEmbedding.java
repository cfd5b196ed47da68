package io.github.lstmsuite.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link EmbeddingSequenceLayer} — token indices {@code [B, 1, T]} (or {@code [B, T]}) to vectors
 * {@code [B, E, T]} — computed by {@link FastEmbeddingLayer}: the same parameters, output layout, masks and
 * errors, with the forward copy and the backward sum written as Java loops over the arrays' memory.
 * <p>
 * Why: DL4J's layer gathers the rows with {@code Nd4j.pullRows} and sums the gradient with ND4J's
 * {@code scatterUpdate}, whose fixed costs dominate at these sizes: 14 % of the dates translator's training
 * step and 5 % of the char model's went to its backward pass. A subclass of DL4J's configuration, so a model
 * saved with either class runs with the other.
 * <pre>{@code
 * EmbeddingSequenceLayer emb = new FastEmbedding.Builder().nIn(vocab).nOut(64).build();   // a FastEmbedding
 * }</pre>
 */
public class FastEmbedding extends EmbeddingSequenceLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation. */
    public FastEmbedding() {
        super();
    }

    /** A {@code FastEmbedding} with every setting of {@code standard}. */
    public static FastEmbedding of(EmbeddingSequenceLayer standard) {
        FastEmbedding f = LayerSettings.copy(standard, new FastEmbedding());
        f.setInputLength(standard.getInputLength());
        f.setHasBias(standard.isHasBias());
        f.setInferInputLength(standard.isInferInputLength());
        f.setOutputFormat(standard.getOutputFormat());
        return f;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerSettings.wire(new FastEmbeddingLayer(conf, networkDataType), this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** DL4J's {@link EmbeddingSequenceLayer.Builder}; {@link #build()} returns a {@link FastEmbedding}. */
    public static class Builder extends EmbeddingSequenceLayer.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public FastEmbedding build() {
            return FastEmbedding.of(super.build());
        }
    }
}
