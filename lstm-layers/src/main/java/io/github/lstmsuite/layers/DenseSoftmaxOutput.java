package io.github.lstmsuite.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Configuration of the suite's softmax classifier for one vector per example (a many-to-one model's last
 * layer, after {@code LastTimeStep}): DL4J's {@link OutputLayer} with softmax and cross-entropy against
 * one-hot labels {@code [B, C]}, the same parameters and the same maths, computed by
 * {@link DenseSoftmaxOutputLayer} with three BLAS products and one Java pass over the rows.
 *
 * <p>Why it exists: at an MNIST classifier's size ({@code [64, 128] · [128, 10]}) the arithmetic is
 * nothing and DL4J's layer is all fixed costs — two ND4J softmaxes, the logits twice, a dozen element-wise
 * ops — about a fifth of the main thread's time in a training step of {@code ./lstm mnist}'s model.
 * {@code benchmarks} measures the difference. {@link SoftmaxOutput} is the same idea for a softmax at every
 * time step.
 *
 * <p>Because it <em>is</em> an {@code OutputLayer} configuration, JSON, model zips and evaluation work
 * unchanged, and a model saved with either class runs with the other. Use it like DL4J's builder:
 * <pre>{@code
 * OutputLayer out = new DenseSoftmaxOutput.Builder().nIn(128).nOut(10).build();   // softmax, MCXENT
 * }</pre>
 * Checked when the layer is created: softmax activation and {@code LossMCXENT} without class weights.
 * A float64 network, a mask, weight noise or layer normalisation go through DL4J's own code.
 */
public class DenseSoftmaxOutput extends OutputLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation. */
    public DenseSoftmaxOutput() {
        super();
    }

    /** A {@code DenseSoftmaxOutput} with every setting of {@code standard}. */
    public static DenseSoftmaxOutput of(OutputLayer standard) {
        DenseSoftmaxOutput f = LayerSettings.copy(standard, new DenseSoftmaxOutput());
        f.setLossFn(standard.getLossFn());
        f.setHasBias(standard.hasBias());
        return f;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (!(getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalStateException("DenseSoftmaxOutput needs the softmax activation, got " + getActivationFn());
        }
        if (getLossFn() == null || getLossFn().getClass() != LossMCXENT.class            // not a subclass: its own maths
                || ((LossMCXENT) getLossFn()).getWeights() != null) {
            throw new IllegalStateException("DenseSoftmaxOutput needs LossMCXENT without weights, got " + getLossFn());
        }
        return LayerSettings.wire(new DenseSoftmaxOutputLayer(conf, networkDataType), this, conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    /** DL4J's {@link OutputLayer.Builder} preset to softmax and cross-entropy; {@link #build()} returns a {@link DenseSoftmaxOutput}. */
    public static class Builder extends OutputLayer.Builder {
        public Builder() {
            super(LossFunctions.LossFunction.MCXENT);     // and softmax, DL4J's default with it
        }

        @Override
        @SuppressWarnings("unchecked")
        public DenseSoftmaxOutput build() {
            return DenseSoftmaxOutput.of(super.build());
        }
    }
}
