package io.github.lstmsuite.common.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Corpus BLEU against hand-computed values. */
class BleuTest {
    private static double bleu(String hyp, String... refs) {
        return Bleu.corpus(List.of(hyp), List.of(List.of(refs))).bleu();
    }

    @Test
    void identicalIs100() {
        assertEquals(100.0, bleu("the cat sat on the mat", "the cat sat on the mat"), 1e-9);
    }

    @Test
    void precisionsByHand() {
        // 7 hypothesis tokens against 6: 1-grams 6/7, 2-grams 5/6, 3-grams 4/5, 4-grams 3/4, no brevity penalty
        double expected = 100 * Math.pow(6.0 / 7 * 5.0 / 6 * 4.0 / 5 * 3.0 / 4, 0.25);
        assertEquals(expected, bleu("the cat sat on the mat today", "the cat sat on the mat"), 1e-9);
        assertEquals(80.91, expected, 0.01);
    }

    @Test
    void brevityPenalty() {
        // every n-gram matches, but 5 tokens against 6: BP = exp(1 − 6/5)
        assertEquals(100 * Math.exp(-0.2), bleu("the cat sat on the", "the cat sat on the mat"), 1e-9);
    }

    @Test
    void clippingAndClosestReferenceWithSeveralReferences() {
        Bleu.Score s = Bleu.corpus(List.of("the the the the"), List.of(List.of("the cat", "the the dog")));
        assertEquals(50.0, s.precisions()[0], 1e-9);           // "the" counted at most twice (the second reference)
        assertEquals(100.0 / 3, s.precisions()[1], 1e-9);      // "the the" at most once
        assertEquals(0.0, s.bleu(), 0);                        // no 3-gram matches: BLEU is 0 without smoothing
        assertEquals(3, s.referenceLength());                  // the reference closest in length to 4 tokens
        // a second reference lifts a sentence that matches it
        assertEquals(100.0, bleu("ils sont très gros .", "elles sont grosses .", "ils sont très gros ."), 1e-9);
    }

    @Test
    void corpusLevelPoolsCountsBeforeDividing() {
        // sentence 1 matches perfectly (4 tokens), sentence 2 shares nothing (4 tokens): p_n = matches / totals over both
        Bleu.Score s = Bleu.corpus(List.of("a b c d", "w x y z"), List.of(List.of("a b c d"), List.of("e f g h")));
        assertEquals(50.0, s.precisions()[0], 1e-9);
        assertEquals(100.0 * 3 / 6, s.precisions()[1], 1e-9);
        assertEquals(100.0 * 2 / 4, s.precisions()[2], 1e-9);
        assertEquals(100.0 * 1 / 2, s.precisions()[3], 1e-9);
        assertEquals(50.0, s.bleu(), 1e-9);
    }

    @Test
    void tokenisation13a() {
        assertArrayEquals(new String[] {"Hello", ",", "world", "."}, Bleu.tokenize13a("Hello, world."));
        assertArrayEquals(new String[] {"Ça", "alors", "!"}, Bleu.tokenize13a("Ça alors !"));
        assertArrayEquals(new String[] {"Va", "!"}, Bleu.tokenize13a("Va\u00a0!"));          // a no-break space splits, as in Python
        assertArrayEquals(new String[] {"3.5", "km"}, Bleu.tokenize13a("3.5 km"));
        assertArrayEquals(new String[] {"(", "a", ")", "\"", "b", "\""}, Bleu.tokenize13a("(a) &quot;b&quot;"));
    }
}
