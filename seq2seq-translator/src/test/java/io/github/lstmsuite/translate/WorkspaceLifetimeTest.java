package io.github.lstmsuite.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.layers.CellType;
import io.github.lstmsuite.layers.LstmImpl;
import io.github.lstmsuite.common.text.TokenVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The translator's real graph (bidirectional stacked encoder, attention, dropout, label smoothing,
 * row-major masks from {@link PairBatches}) trained for many iterations with DL4J's workspaces on —
 * where a layer's working memory is reused once the workspace has learned its size — and off: the
 * parameters must be the same. Anything a layer keeps from its forward pass for its backward pass in
 * memory that another layer reuses would make them drift apart.
 */
class WorkspaceLifetimeTest {

    private static List<TranslateData.Example> randomPairs(Random r, int n, List<String> src, List<String> tgt) {
        List<TranslateData.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> s = new ArrayList<>();
            List<String> t = new ArrayList<>();
            for (int k = 1 + r.nextInt(9); k > 0; k--) {
                s.add(src.get(r.nextInt(src.size())));
            }
            for (int k = 1 + r.nextInt(7); k > 0; k--) {
                t.add(tgt.get(r.nextInt(tgt.size())));
            }
            out.add(new TranslateData.Example(s, t));
        }
        return out;
    }

    private static ComputationGraph train(WorkspaceMode mode, List<MultiDataSet> batches, TranslateModel.Config c) {
        ComputationGraph net = TranslateModel.build(c);
        net.getConfiguration().setTrainingWorkspaceMode(mode);
        net.getConfiguration().setInferenceWorkspaceMode(mode);
        for (int it = 0; it < 24; it++) {
            Nd4j.getRandom().setSeed(1000 + it);
            net.fit(batches.get(it % batches.size()));
        }
        return net;
    }

    @Test
    void workspacesOnAndOffGiveTheSameParameters() {
        List<String> src = new ArrayList<>();
        List<String> tgt = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            src.add("s" + i);
            tgt.add("t" + i);
        }
        TokenVocabulary sv = TokenVocabulary.build(List.of(src), 1);
        TokenVocabulary tv = TokenVocabulary.build(List.of(tgt), 1);
        Random r = new Random(3);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            batches.add(PairBatches.encode(randomPairs(r, 24 + 4 * b, src, tgt), sv, tv));   // batch sizes change too
        }
        TranslateModel.Config c = new TranslateModel.Config(sv.size(), tv.size(), 12, 16, true, 0.01, 7,
                LstmImpl.fast, CellType.lstm, 2, true, 0.2, 0.1, 1.0);
        ComputationGraph on = train(WorkspaceMode.ENABLED, batches, c);
        ComputationGraph off = train(WorkspaceMode.NONE, batches, c);
        double diff = on.params().sub(off.params()).amaxNumber().doubleValue();
        assertTrue(on.params().amaxNumber().doubleValue() > 0.01);
        assertEquals(0.0, diff, 1e-6, "largest parameter difference, workspaces on versus off");
    }
}
