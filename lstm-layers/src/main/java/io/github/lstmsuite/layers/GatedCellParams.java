package io.github.lstmsuite.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a {@link GatedCell} with k gate blocks and hidden size H, laid out like DL4J's LSTM:
 * {@code W [nIn, kH]} (input weights), {@code RW [H, kH]} (recurrent weights), {@code b [kH]}, and for the
 * GRU {@code rb [H]} (the recurrent bias of the candidate, which the reset gate multiplies).
 */
public final class GatedCellParams implements ParamInitializer {
    public static final String W = "W", RW = "RW", B = "b", RB = "rb";

    static final GatedCellParams INSTANCE = new GatedCellParams();

    private GatedCellParams() {
    }

    private static GatedCell cell(Layer l) {
        return (GatedCell) l;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GatedCell c = cell(layer);
        long h = c.getNOut();
        long k = c.blocks();
        return c.getNIn() * k * h + h * k * h + k * h + (c.recurrentBias() ? h : 0);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>(List.of(W, RW, B));
        if (cell(layer).recurrentBias()) {
            keys.add(RB);
        }
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(W, RW);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return cell(layer).recurrentBias() ? List.of(B, RB) : List.of(B);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return W.equals(key) || RW.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return B.equals(key) || RB.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        GatedCell c = cell(conf.getLayer());
        Map<String, INDArray> views = views(c, paramsView);
        for (String key : views.keySet()) {          // as DL4J's own initialisers do: setParams() walks this list
            if (!conf.variables(false).contains(key)) {
                conf.addVariable(key);
            }
        }
        if (initializeParams) {
            long nIn = c.getNIn();
            long h = c.getNOut();
            long k = c.blocks();
            IWeightInit wi = c.getWeightInitFn();
            IWeightInit rwi = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : wi;
            wi.init(nIn, k * h, new long[] {nIn, k * h}, 'f', views.get(W));
            rwi.init(h, k * h, new long[] {h, k * h}, 'f', views.get(RW));
            views.get(B).assign(c.getBiasInit());
            c.initBias(views.get(B));
            if (c.recurrentBias()) {
                views.get(RB).assign(0);
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(cell(conf.getLayer()), gradientView);
    }

    private static Map<String, INDArray> views(GatedCell c, INDArray flat) {
        long nIn = c.getNIn();
        long h = c.getNOut();
        long k = c.blocks();
        INDArray v = flat.reshape(flat.length());
        Map<String, INDArray> m = new LinkedHashMap<>();
        long at = 0;
        m.put(W, v.get(NDArrayIndex.interval(at, at + nIn * k * h)).reshape('f', nIn, k * h));
        at += nIn * k * h;
        m.put(RW, v.get(NDArrayIndex.interval(at, at + h * k * h)).reshape('f', h, k * h));
        at += h * k * h;
        m.put(B, v.get(NDArrayIndex.interval(at, at + k * h)));
        at += k * h;
        if (c.recurrentBias()) {
            m.put(RB, v.get(NDArrayIndex.interval(at, at + h)));
        }
        return m;
    }
}
