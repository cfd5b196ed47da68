package io.github.lstmsuite.common.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * A classifier's test results in the form the apps print and save, computed by DL4J's
 * {@link Evaluation} (which we do not re-implement): accuracy, per-class precision, recall and F1,
 * and the confusion matrix (rows = actual, columns = predicted).
 */
public record ClassificationReport(List<String> labels, double accuracy, double macroF1, double[] precision,
                                   double[] recall, double[] f1, int[] support, int[][] confusion) {

    /** Extracts the report from a finished DL4J evaluation. */
    public static ClassificationReport of(Evaluation eval, List<String> labels) {
        int k = labels.size();
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f = new double[k];
        int[] support = new int[k];
        int[][] cm = new int[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cm[i][j] = eval.getConfusionMatrix().getCount(i, j);
                support[i] += cm[i][j];
            }
            p[i] = eval.precision(i);
            r[i] = eval.recall(i);
            f[i] = eval.f1(i);
        }
        return new ClassificationReport(List.copyOf(labels), eval.accuracy(), eval.f1(org.nd4j.evaluation.EvaluationAveraging.Macro),
                p, r, f, support, cm);
    }

    /** Metrics for {@code summary.json}: accuracy and macro F1 as fractions, per-class numbers, the matrix. */
    public Map<String, Object> toMetrics(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "accuracy", accuracy);
        m.put(prefix + "macro_f1", macroF1);
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("label", labels.get(i));
            c.put("precision", precision[i]);
            c.put("recall", recall[i]);
            c.put("f1", f1[i]);
            c.put("support", support[i]);
            perClass.add(c);
        }
        m.put(prefix + "per_class", perClass);
        m.put(prefix + "confusion_matrix", confusion);
        return m;
    }

    /** The printed report: a per-class table, then the confusion matrix. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-7s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
        for (int i = 0; i < labels.size(); i++) {
            sb.append(String.format("%-7s %9.4f %9.4f %9.4f %8d%n", labels.get(i), precision[i], recall[i], f1[i], support[i]));
        }
        sb.append(String.format("accuracy %.4f   macro F1 %.4f%n%n", accuracy, macroF1));
        sb.append("confusion matrix (rows: actual, columns: predicted)\n      ");
        for (String l : labels) {
            sb.append(String.format("%6s", l));
        }
        sb.append('\n');
        for (int i = 0; i < labels.size(); i++) {
            sb.append(String.format("%6s", labels.get(i)));
            for (int j = 0; j < labels.size(); j++) {
                sb.append(String.format("%6d", confusion[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
