package io.github.lstmsuite.layers;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer behind {@link Gru} and {@link Janet}: forward and backward through time written out in ND4J
 * operations (any data type, so DL4J's float64 gradient checks apply), with masks, {@code rnnTimeStep}
 * state and truncated BPTT.
 *
 * <pre>
 *   input  [B, nIn, T]  →  xp = x·W + b for all steps at once  [B·T, kH]
 *   per step t: the cell's equations on xp[t] and h[t−1]       [B, H]
 *   output [B, H, T]
 * </pre>
 * A masked step (mask 0) outputs 0 and passes a zero state on, like DL4J's {@code SimpleRnn}; with padding
 * at the end, as usual, real steps never see it. The state key is DL4J's {@code "prevAct"} ({@code h}; for
 * JANET h is the cell state). Clarity over speed: one small matrix product per step, in ND4J (the suite's
 * {@link FastLstm} shows what a fused kernel gains).
 */
public class GatedCellLayer extends BaseRecurrentLayer<GatedCell> {
    static final String STATE = org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION;

    /** The state at the start of the current truncated-BPTT segment (the backward pass recomputes from it). */
    private INDArray segmentStart;

    public GatedCellLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean gru() {
        return layerConf() instanceof Gru;
    }

    /** One forward pass: the output, and per step what the backward pass needs. */
    private record Forward(INDArray out, INDArray hLast, INDArray xFlat, List<INDArray[]> steps) {
    }

    // ---------------------------------------------------------------- forward

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, forward(training, null).out());
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Forward f = forward(false, stateMap.get(STATE));
        stateMap.put(STATE, f.hLast());
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, f.out());
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        segmentStart = tBpttStateMap.get(STATE);
        Forward f = forward(training, segmentStart);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE, f.hLast());
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, f.out());
    }

    private Forward forward(boolean training, INDArray h0) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, LayerWorkspaceMgr.noWorkspaces());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray in = input.rank() == 2 ? input.reshape(input.size(0), input.size(1), 1) : permuteIfNWC(input);
            int batch = (int) in.size(0);
            int nIn = (int) in.size(1);
            int steps = (int) in.size(2);
            int h = (int) layerConf().getNOut();
            int k = layerConf().blocks();
            INDArray w = getParam(GatedCellParams.W);
            INDArray rw = getParam(GatedCellParams.RW);
            INDArray b = getParam(GatedCellParams.B);
            INDArray rb = gru() ? getParam(GatedCellParams.RB) : null;
            // all steps' input projections at once: [B, nIn, T] → [B·T, nIn] (row b·T + t) → [B·T, kH]
            INDArray xFlat = in.permute(0, 2, 1).dup('c').reshape('c', (long) batch * steps, nIn);
            INDArray xp = xFlat.mmul(w).addiRowVector(b).reshape('c', batch, steps, (long) k * h);
            INDArray out = Nd4j.create(in.dataType(), new long[] {batch, h, steps}, 'f');
            INDArray hPrev = h0 != null ? h0.castTo(in.dataType()) : Nd4j.zeros(in.dataType(), batch, h);
            List<INDArray[]> cache = new ArrayList<>(steps);
            for (int t = 0; t < steps; t++) {
                INDArray xt = xp.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all());      // [B, kH]
                INDArray hp = hPrev.mmul(rw);                                                            // [B, kH]
                INDArray[] c = gru() ? gruStep(xt, hp, hPrev, rb, h) : janetStep(xt, hp, hPrev, h);
                INDArray hNew = c[0];
                if (maskArray != null) {
                    INDArray m = maskArray.get(NDArrayIndex.all(), NDArrayIndex.point(t)).castTo(in.dataType()).reshape(batch, 1);
                    hNew = hNew.mulColumnVector(m);
                    c = append(c, m);
                }
                out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t)).assign(hNew);
                cache.add(prepend(hPrev, c));
                hPrev = hNew;
            }
            return new Forward(permuteIfNWC(out), hPrev, xFlat, cache);
        }
    }

    /** GRU step: returns {h', r, z, n, hn + rb}. */
    private static INDArray[] gruStep(INDArray xt, INDArray hp, INDArray hPrev, INDArray rb, int h) {
        INDArray r = Transforms.sigmoid(xt.get(cols(0, h)).add(hp.get(cols(0, h))), false);
        INDArray z = Transforms.sigmoid(xt.get(cols(h, 2 * h)).add(hp.get(cols(h, 2 * h))), false);
        INDArray hn = hp.get(cols(2 * h, 3 * h)).addRowVector(rb);
        INDArray n = Transforms.tanh(xt.get(cols(2 * h, 3 * h)).add(r.mul(hn)), false);
        INDArray hNew = n.add(z.mul(hPrev.sub(n)));                 // (1 − z)⊙n + z⊙h
        return new INDArray[] {hNew, r, z, n, hn};
    }

    /** JANET step: returns {c', f, fin, g}. */
    private static INDArray[] janetStep(INDArray xt, INDArray hp, INDArray cPrev, int h) {
        INDArray s = xt.get(cols(0, h)).add(hp.get(cols(0, h)));
        INDArray f = Transforms.sigmoid(s, true);
        INDArray fin = Transforms.sigmoid(s.sub(Janet.BETA), false);
        INDArray g = Transforms.tanh(xt.get(cols(h, 2 * h)).add(hp.get(cols(h, 2 * h))), false);
        INDArray cNew = f.mul(cPrev).add(fin.rsub(1.0).mul(g));
        return new INDArray[] {cNew, f, fin, g};
    }

    // ---------------------------------------------------------------- backward

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackwardLength, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, tbpttBackwardLength, workspaceMgr);
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, int backLength, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        boolean truncated = backLength > 0;
        INDArray epsOut;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Forward f = forward(true, truncated ? segmentStart : null);
            INDArray eps = epsilon.rank() == 2 ? epsilon.reshape(epsilon.size(0), epsilon.size(1), 1) : permuteIfNWC(epsilon);
            int batch = (int) eps.size(0);
            int steps = (int) eps.size(2);
            int h = (int) layerConf().getNOut();
            int k = layerConf().blocks();
            int nIn = (int) layerConf().getNIn();
            INDArray w = getParam(GatedCellParams.W);
            INDArray rw = getParam(GatedCellParams.RW);
            INDArray dXp = Nd4j.zeros(eps.dataType(), batch, steps, (long) k * h);     // d(x·W + b) per step
            INDArray dRW = Nd4j.zeros(eps.dataType(), h, (long) k * h);
            INDArray dRb = gru() ? Nd4j.zeros(eps.dataType(), h) : null;
            INDArray dhNext = Nd4j.zeros(eps.dataType(), batch, h);
            int first = truncated ? Math.max(0, steps - backLength) : 0;
            for (int t = steps - 1; t >= first; t--) {
                INDArray[] c = f.steps().get(t);
                INDArray hPrev = c[0];
                INDArray dh = eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t)).add(dhNext);
                if (maskArray != null) {
                    dh.muliColumnVector(c[c.length - 1]);
                }
                INDArray dPre = Nd4j.create(eps.dataType(), batch, (long) k * h);    // d(pre-activations), per block
                INDArray dHp;                                                        // d(h·RW)
                INDArray dhDirect;
                if (gru()) {
                    INDArray r = c[2], z = c[3], n = c[4], hn = c[5];
                    INDArray dn = dh.mul(z.rsub(1.0));
                    INDArray dz = dh.mul(hPrev.sub(n));
                    dhDirect = dh.mul(z);
                    INDArray dan = dn.mul(n.mul(n).rsubi(1.0));
                    INDArray dar = dan.mul(hn).muli(r.mul(r.rsub(1.0)));
                    INDArray daz = dz.muli(z.mul(z.rsub(1.0)));
                    dPre.get(cols(0, h)).assign(dar);
                    dPre.get(cols(h, 2 * h)).assign(daz);
                    dPre.get(cols(2 * h, 3 * h)).assign(dan);
                    dHp = dPre.dup();
                    INDArray dhn = dan.mul(r);
                    dHp.get(cols(2 * h, 3 * h)).assign(dhn);
                    dRb.addi(dhn.sum(0));
                } else {
                    INDArray fg = c[2], fin = c[3], g = c[4];
                    dhDirect = dh.mul(fg);
                    INDArray ds = dh.mul(hPrev.mul(fg.mul(fg.rsub(1.0))).subi(g.mul(fin.mul(fin.rsub(1.0)))));
                    INDArray dag = dh.mul(fin.rsub(1.0)).muli(g.mul(g).rsubi(1.0));
                    dPre.get(cols(0, h)).assign(ds);
                    dPre.get(cols(h, 2 * h)).assign(dag);
                    dHp = dPre;
                }
                dXp.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all()).assign(dPre);
                dRW.addi(hPrev.transpose().mmul(dHp));
                dhNext = dhDirect.addi(dHp.mmul(rw.transpose()));
            }
            INDArray dXpFlat = dXp.reshape('c', (long) batch * steps, (long) k * h);
            gradientViews.get(GatedCellParams.W).assign(f.xFlat().transpose().mmul(dXpFlat));
            gradientViews.get(GatedCellParams.RW).assign(dRW);
            gradientViews.get(GatedCellParams.B).assign(dXpFlat.sum(0));
            if (gru()) {
                gradientViews.get(GatedCellParams.RB).assign(dRb);
            }
            INDArray dx = dXpFlat.mmul(w.transpose()).reshape('c', batch, steps, nIn).permute(0, 2, 1);   // [B, nIn, T]
            epsOut = epsilon.rank() == 2 ? dx.reshape(batch, nIn) : permuteIfNWC(dx);
        }
        Gradient g = new DefaultGradient();
        for (String key : GatedCellParams.INSTANCE.paramKeys(layerConf())) {
            g.gradientForVariable().put(key, gradientViews.get(key));
        }
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsOut)));
    }

    // ---------------------------------------------------------------- DL4J plumbing

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArray, MaskState.Passthrough);
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("no layer-wise pretraining");
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private static INDArrayIndex[] cols(long from, long to) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(from, to)};
    }

    private static INDArray[] prepend(INDArray first, INDArray[] rest) {
        INDArray[] out = new INDArray[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static INDArray[] append(INDArray[] a, INDArray last) {
        INDArray[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }
}
