package io.github.lstmsuite.common.train;

import io.github.lstmsuite.common.UserException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without the training-ui module on the class path (as here), --ui is a one-line error that says how to get it. */
class LiveViewTest {
    @Test
    void withoutTheUiModuleTheErrorSaysWhatToAdd() {
        UserException e = assertThrows(UserException.class, () -> LiveView.open("test"));
        assertTrue(e.getMessage().startsWith("--ui: ") && e.getMessage().contains("training-ui") && !e.getMessage().contains("\n"),
                e.getMessage());
    }
}
