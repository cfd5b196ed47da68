package io.github.lstmsuite.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * Configuration of the suite's softmax output layer for sequences: DL4J's {@link RnnOutputLayer} with
 * softmax and sparse cross-entropy (labels are token indices [B, 1, T]), the same parameters and the same
 * maths, computed by {@link SoftmaxOutputLayer} in one pass per training step.
 *
 * <p>Why it exists: with a large vocabulary the output layer is most of a language or translation
 * model's training time, and DL4J's computes its logits twice per step (once for the gradient, once for
 * the score), the softmax twice, and the labels' one-hot form twice. This one computes the logits and
 * the softmax once and takes the loss and the gradient from them ({@code p − onehot(y)}).
 * {@code benchmarks} measures the difference.
 *
 * <p>Because it <em>is</em> an {@code RnnOutputLayer} configuration, JSON, model zips and everything
 * that asks for an output layer work unchanged. Use it like DL4J's builder:
 * <pre>{@code
 * RnnOutputLayer out = new SoftmaxOutput.Builder().nIn(512).nOut(vocab).build();   // softmax, sparse MCXENT, NCW
 * }</pre>
 * Limits (checked when the layer is created): softmax activation, {@code LossSparseMCXENT} without
 * class weights, NCW layout. One addition DL4J's layer lacks: {@link Builder#labelSmoothing} (the score
 * stays the cross-entropy against the true tokens; only the gradient follows the smoothed target).
 */
public class SoftmaxOutput extends RnnOutputLayer {
    /** ε of label smoothing: the training target is (1 − ε)·onehot(y) + ε/V (Szegedy et al. 2016); 0 = none. */
    private double labelSmoothing;

    /** For JSON deserialisation. */
    public SoftmaxOutput() {
        super();
    }

    /** A {@code SoftmaxOutput} with every setting of {@code standard}. */
    public static SoftmaxOutput of(RnnOutputLayer standard) {
        SoftmaxOutput f = LayerSettings.copy(standard, new SoftmaxOutput());
        f.setLossFn(standard.getLossFn());
        f.setHasBias(standard.hasBias());
        f.setRnnDataFormat(standard.getRnnDataFormat());
        return f;
    }

    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    public void setLabelSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (!(getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalStateException("SoftmaxOutput needs the softmax activation, got " + getActivationFn());
        }
        if (!(getLossFn() instanceof LossSparseMCXENT loss) || loss.getWeights() != null) {
            throw new IllegalStateException("SoftmaxOutput needs LossSparseMCXENT without weights, got " + getLossFn());
        }
        if (getRnnDataFormat() == RNNFormat.NWC) {
            throw new IllegalStateException("SoftmaxOutput supports the NCW layout only");
        }
        return LayerSettings.wire(new SoftmaxOutputLayer(conf, networkDataType), this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** DL4J's {@link RnnOutputLayer.Builder} preset to softmax, sparse cross-entropy and NCW; {@link #build()} returns a {@link SoftmaxOutput}. */
    public static class Builder extends RnnOutputLayer.Builder {
        public Builder() {
            super(LossFunctions.LossFunction.SPARSE_MCXENT);
            activation(Activation.SOFTMAX);
            dataFormat(RNNFormat.NCW);
        }

        private double labelSmoothing;

        /** ε: train towards (1 − ε)·onehot(y) + ε/V instead of onehot(y). */
        public Builder labelSmoothing(double epsilon) {
            this.labelSmoothing = epsilon;
            return this;
        }

        @Override
        public SoftmaxOutput build() {
            SoftmaxOutput out = SoftmaxOutput.of(super.build());
            out.setLabelSmoothing(labelSmoothing);
            return out;
        }
    }
}
