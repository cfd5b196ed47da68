package io.github.lstmsuite.serve;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.train.ModelZip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served name and the version behind it now. A swap ({@link #reload}) loads the new file completely, starts
 * its batchers, then replaces the reference in one step: requests that arrive after it go to the new version;
 * those already queued or streaming finish on the old one, which retires once they have.
 */
final class ServedModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    final String name;
    final ModelSource source;
    final ModelKind kind;
    private final ServeConfig cfg;
    private final ServerMetrics metrics;
    private final AtomicReference<Version> current = new AtomicReference<>();
    private long loadedStamp;

    /** Loads the first version (a bad file is a one-line {@link UserException}). */
    ServedModel(ModelSource source, ServeConfig cfg, ServerMetrics metrics) {
        this.name = source.name();
        this.source = source;
        this.cfg = cfg;
        this.metrics = metrics;
        Path path = source.resolve();
        this.kind = kindOf(path);
        current.set(Version.load(name, 1, kind, path, cfg, metrics));
        loadedStamp = stamp(path);
    }

    static ModelKind kindOf(Path path) {
        ModelZip.checkEntries(path);
        return ModelKind.of(ModelZip.appOf(path));
    }

    /** The version new requests go to. */
    Version current() {
        return current.get();
    }

    /**
     * Loads the source's file now (the newest run's, or the fixed file again) as the next version and swaps it
     * in; the old one retires when its queued requests are done. A file of another kind is refused (the
     * served version stays).
     */
    synchronized Version reload() {
        Path path = source.resolve();
        ModelKind k = kindOf(path);
        if (k != kind) {
            throw new UserException(path + ": a " + k + " model; '" + name + "' serves " + kind + " models");
        }
        Version old = current.get();
        Version next = Version.load(name, old.number + 1, kind, path, cfg, metrics);
        current.set(next);
        loadedStamp = stamp(path);
        Thread retire = new Thread(() -> {
            try {
                old.retireAndWait(cfg.timeoutMillis() + 60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "retire " + name + " v" + old.number);
        retire.setDaemon(true);
        retire.start();
        LOG.warn("{}: version {} from {} replaces version {}", name, next.number, path, old.number);
        return next;
    }

    /** {@link #reload} when the source now resolves to another file or the file changed; true if it swapped. */
    synchronized boolean reloadIfChanged() {
        Path path;
        try {
            path = source.resolve();
        } catch (UserException e) {
            return false;                           // nothing there right now: keep serving what we have
        }
        if (path.equals(current.get().path) && stamp(path) == loadedStamp) {
            return false;
        }
        reload();
        return true;
    }

    private static long stamp(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() ^ Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
