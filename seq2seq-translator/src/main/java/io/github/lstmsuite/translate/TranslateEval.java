package io.github.lstmsuite.translate;

import io.github.lstmsuite.common.text.Tokenizer;
import io.github.lstmsuite.common.eval.Bleu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** How a translation model is scored on a held-out part: corpus BLEU, exact match, teacher-forced token accuracy. */
public final class TranslateEval {
    private TranslateEval() {
    }

    /**
     * The scores of one decoding method on a held-out part, with its translations (as a reader sees them, in item order).
     *
     * @param bleu       corpus BLEU of the lower-cased tokens against all references (what the model was trained on)
     * @param casedBleu  corpus BLEU as sacreBLEU scores by default: the restored (cased, detokenised) output against
     *                   the references as written, 13a tokenisation; {@code NaN} where nothing was learnt to restore
     */
    public record Scores(double bleu, double casedBleu, double exactMatch, int sentences, List<String> translations) {
    }

    /** Corpus BLEU and exact match of translating {@code items} (greedy when {@code beam} is 1). */
    static Scores score(Translator tr, List<TranslateData.TestItem> items, TranslateData.Split d, TranslateApp.RunConfig cfg, int beam) {
        Tokenizer tok = cfg.tokenizer();
        List<int[]> srcs = items.stream().map(i -> d.sourceVocab().encode(i.source())).toList();
        List<int[]> outs = beam > 1 ? tr.beam(srcs, beam) : tr.greedy(srcs);
        List<String> hyps = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        List<List<String>> written = new ArrayList<>();
        int exact = 0;
        for (int i = 0; i < items.size(); i++) {
            List<String> hypTokens = d.targetVocab().decode(outs.get(i));
            hyps.add(tok.join(hypTokens));
            shown.add(cfg.text(hypTokens));
            refs.add(items.get(i).references().stream().map(tok::join).toList());
            written.add(items.get(i).texts());
            exact += items.get(i).references().contains(hypTokens) ? 1 : 0;
        }
        double cased = cfg.surface() != null ? Bleu.corpus(shown, written).bleu() : Double.NaN;
        return new Scores(Bleu.corpus(hyps, refs).bleu(), cased, exact / (double) items.size(), items.size(), shown);
    }

    /** Teacher-forced next-token accuracy on the test sources against their first reference. */
    static double tokenAccuracy(ComputationGraph net, TranslateData.Split d) {
        List<TranslateData.Example> ex = d.test().stream().map(i -> new TranslateData.Example(i.source(), i.references().get(0))).toList();
        long right = 0;
        long all = 0;
        for (int from = 0; from < ex.size(); from += 64) {               // 64 at a time: [64, V, Tt] outputs, not 256
            MultiDataSet mds = PairBatches.encode(ex.subList(from, Math.min(ex.size(), from + 64)), d.sourceVocab(), d.targetVocab());
            INDArray pred = net.output(false, mds.getFeatures(), mds.getFeaturesMaskArrays())[0].argMax(1);   // [B, Tt]
            INDArray lab = mds.getLabels(0);
            INDArray mask = mds.getLabelsMaskArray(0);
            for (int i = 0; i < pred.size(0); i++) {
                for (int t = 0; t < pred.size(1); t++) {
                    if (mask.getDouble(i, t) > 0) {
                        all++;
                        right += pred.getInt(i, t) == lab.getInt(i, 0, t) ? 1 : 0;
                    }
                }
            }
        }
        return right / (double) all;
    }

    /** The first {@code n} test sources with their translations (already decoded for {@code scores}) and a reference. */
    static List<String[]> samples(Scores scores, TranslateData.Split d, TranslateApp.RunConfig cfg, int n) {
        Tokenizer tok = cfg.tokenizer();
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, d.test().size()); i++) {
            TranslateData.TestItem item = d.test().get(i);
            out.add(new String[] {tok.join(item.source()), scores.translations().get(i), item.texts().get(0)});
        }
        return out;
    }

    /**
     * The attention weights of a translation: row {@code t} is how much output step {@code t} (the words of
     * {@code output}, then {@code </s>}) read each source word — DotAttention's softmax over the encoder's steps,
     * teacher-forced on {@code output}. Rows sum to 1. Only for a model trained with attention (the default).
     */
    static double[][] attention(ComputationGraph net, int[] source, int[] output) {
        MultiDataSet one = io.github.lstmsuite.common.text.PairBatch.encode(List.of(source), List.of(output));
        net.clearLayerMaskArrays();                                                     // one sentence: no padding
        Map<String, INDArray> acts = net.feedForward(one.getFeatures(), false);
        INDArray w = io.github.lstmsuite.layers.DotAttentionVertex.weights(
                acts.get("decoder"), acts.get(TranslateModel.ENCODER), null);          // [1, Tt, Ts]
        double[][] rows = new double[(int) w.size(1)][];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = w.get(NDArrayIndex.point(0), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector();
        }
        return rows;
    }

    /**
     * Writes {@code attention_1.svg} … for the first {@code n} test sources: a heat map of the weights of the
     * translation the model gives (with the run's beam), source words across, output words down.
     */
    static List<Path> attentionMaps(ComputationGraph net, Translator tr, TranslateData.Split d, TranslateApp.RunConfig cfg,
                                    Path dir, int n) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < Math.min(n, d.test().size()); i++) {
            List<String> source = d.test().get(i).source();
            int[] src = d.sourceVocab().encode(source);
            int[] out = cfg.beam() > 1 ? tr.beam(src, cfg.beam()) : tr.greedy(List.of(src)).get(0);
            List<String> rows = new ArrayList<>(d.targetVocab().decode(out));
            rows.add(io.github.lstmsuite.common.text.TokenVocabulary.EOS);
            String svg = io.github.lstmsuite.common.report.Svg.heatmap("Attention: which source word each output word read (%)",
                    rows, source, attention(net, src, out));
            Path file = dir.resolve("attention_" + (i + 1) + ".svg");
            io.github.lstmsuite.common.report.AtomicFiles.writeString(file, svg);
            files.add(file);
        }
        return files;
    }

    /** Adds the test scores, the headline and the sample translations to {@code summary}. */
    static void addTo(io.github.lstmsuite.common.report.RunSummary summary, Scores greedy, Scores beamed, int beam,
                      double tokenAccuracy, List<String[]> samples) {
        Scores main = beam > 1 ? beamed : greedy;
        summary.metrics.put("bleu", main.bleu());
        summary.metrics.put("bleu_cased_detokenised", main.casedBleu());     // sacreBLEU's default way
        summary.metrics.put("exact_match", main.exactMatch());
        summary.metrics.put("bleu_greedy", greedy.bleu());
        summary.metrics.put("exact_match_greedy", greedy.exactMatch());
        summary.metrics.put("bleu_beam", beamed.bleu());
        summary.metrics.put("exact_match_beam", beamed.exactMatch());
        summary.metrics.put("beam", beam);
        summary.metrics.put("token_accuracy", tokenAccuracy);
        summary.metrics.put("samples", samples.stream().map(s -> s[0] + "\n  → " + s[1] + "\n  (reference: " + s[2] + ")")
                .collect(java.util.stream.Collectors.joining("\n")));
        summary.headline = String.format("test BLEU %.2f (%s)%s", main.bleu(), beam > 1 ? "beam " + beam : "greedy",
                Double.isNaN(main.casedBleu()) ? "" : String.format("; cased, detokenised %.2f", main.casedBleu()));
    }

    /** Two lines: greedy BLEU and exact match, then the beam's (left out when {@code beam} is 1). */
    static String table(Scores greedy, Scores beamed, int beam) {
        String s = line("greedy  ", greedy);
        return beam > 1 ? s + line(String.format("beam %-3d", beam), beamed) : s;
    }

    private static String line(String method, Scores sc) {
        return String.format("  %s   BLEU %5.2f%s   exact match %.3f%n", method, sc.bleu(),
                Double.isNaN(sc.casedBleu()) ? "" : String.format("   cased, detokenised BLEU %5.2f", sc.casedBleu()), sc.exactMatch());
    }
}
