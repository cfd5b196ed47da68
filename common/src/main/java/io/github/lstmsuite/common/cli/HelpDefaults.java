package io.github.lstmsuite.common.cli;

import java.util.ListResourceBundle;

/**
 * The defaults an app's {@code --help} shows for the shared options of {@link CommonOptions} and
 * {@link ShapeOptions}, whose descriptions read {@code (default: ${bundle:default.hidden})} and so on.
 * An app subclasses it with a public no-argument constructor and names the subclass as its train
 * command's picocli resource bundle:
 *
 * <pre>{@code
 * public static final class Defaults extends HelpDefaults {
 *     public Defaults() {
 *         super("hidden", "64", "layers", "1", "epochs", "10");
 *     }
 * }
 * @Command(name = "train", resourceBundle = "my.pkg.MyApp$Defaults")
 * }</pre>
 *
 * Keys: {@code hidden}, {@code layers}, {@code dropout}, {@code dropout.where} (where the dropout
 * applies), {@code patience}, {@code metric} (what early stopping watches), {@code epochs},
 * {@code batch-size}, {@code learning-rate}. A key left out shows "set by the app".
 */
public abstract class HelpDefaults extends ListResourceBundle {
    private final Object[][] contents;

    /** @param keysAndValues key, value, key, value, … */
    protected HelpDefaults(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        contents = new Object[keysAndValues.length / 2][];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = new Object[]{"default." + keysAndValues[2 * i], keysAndValues[2 * i + 1]};
        }
    }

    @Override
    protected Object[][] getContents() {
        return contents;
    }
}
