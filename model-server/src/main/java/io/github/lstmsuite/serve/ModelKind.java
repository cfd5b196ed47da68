package io.github.lstmsuite.serve;

/** What a served model file is, and so which endpoints it has besides the tensor one. */
public enum ModelKind {
    /** {@code ./lstm mnist}: {@code /classify}. */
    mnist("classify"),
    /** {@code ./lstm chars}: {@code /generate}. */
    chars("generate"),
    /** {@code ./lstm forecast}: {@code /forecast}. */
    forecast("forecast"),
    /** {@code ./lstm translate}: {@code /translate}. */
    translate("translate"),
    /** Any other DL4J model zip (a project from {@code ./lstm new}, a plain DL4J file): the tensor endpoint only. */
    tensor(null);

    private final String endpoint;

    ModelKind(String endpoint) {
        this.endpoint = endpoint;
    }

    /** The app endpoint's last path segment, or {@code null} for {@link #tensor}. */
    public String endpoint() {
        return endpoint;
    }

    /** The kind of a model file, from the app that made it ({@code ModelZip.appOf}); {@link #tensor} for others. */
    static ModelKind of(String app) {
        for (ModelKind k : values()) {
            if (k.endpoint != null && k.name().equals(app)) {
                return k;
            }
        }
        return tensor;
    }
}
