package io.github.lstmsuite.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SurfaceFormTest {
    private static final Tokenizer WORDS = new Tokenizer(false, true);

    @Test
    void frenchSpacingAndCaseAreLearntFromTheReferences() {
        SurfaceForm f = SurfaceForm.learn(List.of("J'ai froid.", "Tom est là ?", "Je l'ai vu, Tom !", "Où est Tom ?",
                "Il fait froid.", "Je suis à Paris."));
        assertEquals("J'ai froid.", f.restore(WORDS.tokenize("j'ai froid .")));
        assertEquals("Tom est à Paris ?", f.restore(WORDS.tokenize("tom est à paris ?")), "a space before ? in French");
        assertEquals("Je l'ai vu, Tom !", f.restore(WORDS.tokenize("je l'ai vu , tom !")));
    }

    @Test
    void englishPutsNoSpaceBeforePunctuation() {
        SurfaceForm f = SurfaceForm.learn(List.of("Where is Tom?", "I saw it, Tom.", "Run!", "I think so.", "Is it (really) Tom?"));
        assertEquals("Where is Tom?", f.restore(WORDS.tokenize("where is tom ?")));
        assertEquals("I think it is (really) so. Run!", f.restore(WORDS.tokenize("i think it is ( really ) so . run !")),
                "I and Tom keep their capitals; a new sentence starts after the full stop");
    }
}
