package io.github.lstmsuite.common.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU (Papineni et al. 2002) as sacreBLEU computes it by default: sacreBLEU's {@code 13a}
 * tokenisation (the one of Moses' {@code mteval-v13a.pl}), n-grams up to 4, counts clipped by the
 * reference (the largest count over a sentence's references), modified precisions pooled over the whole
 * corpus, geometric mean without smoothing, and the brevity penalty against the reference length closest
 * to each hypothesis. Scores are 0–100.
 */
public final class Bleu {
    private static final int MAX_N = 4;
    private static final Pattern P1 = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern P2 = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern P3 = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern P4 = Pattern.compile("([0-9])(-)");
    private static final Pattern SPACE = Pattern.compile("(?U)\\s+");

    private Bleu() {
    }

    /** The score and its parts. */
    public record Score(double bleu, double[] precisions, double brevityPenalty, long hypothesisLength, long referenceLength) {
    }

    /** sacreBLEU's 13a tokenisation of one line. */
    public static String[] tokenize13a(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.contains("&")) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = P1.matcher(s).replaceAll(" $1 ");
        s = P2.matcher(s).replaceAll("$1 $2 ");
        s = P3.matcher(s).replaceAll(" $1 $2");
        s = P4.matcher(s).replaceAll("$1 $2 ");
        s = SPACE.matcher(s).replaceAll(" ").strip();      // Python's split(): any Unicode space, no-break ones too
        return s.isEmpty() ? new String[0] : s.split(" ");
    }

    /**
     * Corpus BLEU of {@code hypotheses[i]} against {@code references.get(i)} (one or more references each),
     * all detokenised strings.
     */
    public static Score corpus(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses, " + references.size() + " reference sets");
        }
        long[] matches = new long[MAX_N];
        long[] totals = new long[MAX_N];
        long hypLen = 0;
        long refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            String[] hyp = tokenize13a(hypotheses.get(i));
            hypLen += hyp.length;
            int closest = -1;
            Map<String, Integer> maxRef = new HashMap<>();
            for (String r : references.get(i)) {
                String[] ref = tokenize13a(r);
                if (closest < 0 || Math.abs(ref.length - hyp.length) < Math.abs(closest - hyp.length)
                        || (Math.abs(ref.length - hyp.length) == Math.abs(closest - hyp.length) && ref.length < closest)) {
                    closest = ref.length;
                }
                ngrams(ref).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
            refLen += Math.max(closest, 0);
            Map<String, Integer> h = ngrams(hyp);
            for (Map.Entry<String, Integer> e : h.entrySet()) {
                int n = order(e.getKey());
                matches[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
            }
            for (int n = 1; n <= MAX_N; n++) {
                totals[n - 1] += Math.max(0, hyp.length - n + 1);
            }
        }
        double[] p = new double[MAX_N];
        double logSum = 0;
        boolean zero = false;
        for (int n = 0; n < MAX_N; n++) {
            p[n] = totals[n] == 0 ? 0 : 100.0 * matches[n] / totals[n];
            if (matches[n] == 0) {
                zero = true;
            } else {
                logSum += Math.log((double) matches[n] / totals[n]);
            }
        }
        double bp = hypLen == 0 ? 0 : hypLen < refLen ? Math.exp(1 - (double) refLen / hypLen) : 1.0;
        double bleu = zero ? 0 : 100 * bp * Math.exp(logSum / MAX_N);
        return new Score(bleu, p, bp, hypLen, refLen);
    }

    /** n-gram counts for n = 1..4, each key prefixed by its order ("2\u0001a\u0001b"). */
    private static Map<String, Integer> ngrams(String[] tokens) {
        Map<String, Integer> m = new HashMap<>();
        for (int n = 1; n <= MAX_N; n++) {
            for (int i = 0; i + n <= tokens.length; i++) {
                StringBuilder sb = new StringBuilder().append(n);
                for (int k = i; k < i + n; k++) {
                    sb.append('\u0001').append(tokens[k]);
                }
                m.merge(sb.toString(), 1, Integer::sum);
            }
        }
        return m;
    }

    private static int order(String key) {
        return key.charAt(0) - '0';
    }
}
