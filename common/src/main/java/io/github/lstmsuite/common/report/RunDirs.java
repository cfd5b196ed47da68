package io.github.lstmsuite.common.report;

import io.github.lstmsuite.common.UserException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The run folder: {@code --output-dir}, else {@code runs/<app>/<yyyyMMdd-HHmmss>} (with {@code -2},
 * {@code -3}… when two runs start in the same second). Runs never mix: a non-empty {@code --output-dir}
 * is refused unless {@code --resume} continues it or {@code --force} empties it first, and a run holds
 * {@value #LOCK_FILE} (an operating-system lock, so a killed run's lock is free again at once) while it
 * writes: a second run into the same folder is refused.
 */
public final class RunDirs {
    /** The lock file inside a run folder; it names the process that holds it. */
    public static final String LOCK_FILE = ".lock";

    /** What a run folder may hold; {@code --force} empties only folders made of these. */
    private static final Set<String> RUN_FILES = Set.of("checkpoints", "metrics.csv", "summary.json", "model.zip", "report.html", LOCK_FILE);

    private RunDirs() {
    }

    /** {@link #create(Path, String, boolean, boolean)} for a fresh run that may reuse an existing empty folder. */
    public static Path create(Path requested, String app) {
        return create(requested, app, false, false);
    }

    /**
     * Creates (if needed) and returns the run folder. A non-empty {@code requested} folder needs
     * {@code resume} (continue it) or {@code force} (empty it first, if it is a run folder); anything
     * else is a one-line user error that says which.
     */
    public static Path create(Path requested, String app, boolean resume, boolean force) {
        if (requested == null) {
            return createUnique(Paths.get("runs", app), LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Path dir = requested;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException("--output-dir " + dir + ": exists and is not a folder");
        }
        if (Files.isDirectory(dir)) {
            checkNotLocked(dir);             // a second writer hears that first, whatever else is wrong
        }
        if (!resume && Files.isDirectory(dir) && !isEmpty(dir)) {
            if (!force) {
                throw new UserException("--output-dir " + dir + ": not empty (an earlier run?): add --resume to continue it, "
                        + "--force to replace it, or choose another folder");
            }
            empty(dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("--output-dir " + dir + ": cannot create it (" + e.getMessage() + ")");
        }
        return dir;
    }

    /** {@code parent/name}, or {@code parent/name-2}, {@code -3}…: the first that did not exist, created atomically. */
    static Path createUnique(Path parent, String name) {
        try {
            Files.createDirectories(parent);
            for (int k = 1; ; k++) {
                Path dir = parent.resolve(k == 1 ? name : name + "-" + k);
                try {
                    return Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same second: try the next name
                }
            }
        } catch (IOException e) {
            throw new UserException(parent + ": cannot create a run folder (" + e.getMessage() + ")");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));     // a lock alone is empty
        } catch (IOException e) {
            throw new UserException("--output-dir " + dir + ": cannot list it (" + e.getMessage() + ")");
        }
    }

    /**
     * Whether {@code p} is something a run writes: its files (summary, metrics, model, charts, checkpoints,
     * temporary files) or a folder of them up to {@code depth} levels down (the forecaster trains each
     * strategy in a sub-folder of its own, with its own checkpoints).
     */
    private static boolean runContent(Path p, int depth) throws IOException {
        String n = p.getFileName().toString();
        if (RUN_FILES.contains(n) && !Files.isDirectory(p)) {
            return true;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (depth == 0) {
                return false;
            }
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) {
                    if (!runContent(c, depth - 1)) {
                        return false;
                    }
                }
            }
            return true;
        }
        return Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && (n.endsWith(".png") || n.endsWith(".csv")
                || n.endsWith(".txt") || n.endsWith(".tmp") || n.endsWith(".json") || n.endsWith(".zip")
                || n.endsWith(".svg"));                        // the translator's attention heat maps
    }

    /** --force: removes a run folder's contents; refuses a folder with files a run does not write. */
    private static void empty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!runContent(p, 2)) {
                    throw new UserException("--output-dir " + dir + ": --force empties only run folders, and this one holds '"
                            + n + "', which no run writes; remove it yourself or choose another folder");
                }
            }
        } catch (IOException e) {
            throw new UserException("--output-dir " + dir + ": cannot list it (" + e.getMessage() + ")");
        }
        try (Lock ignored = lock(dir); Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.getFileName().toString().equals(LOCK_FILE)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UserException("--output-dir " + dir + ": cannot empty it (" + e.getMessage() + ")");
        }
    }

    /** Fails in one line if another run holds {@code runDir}'s lock; takes and releases it otherwise. */
    public static void checkNotLocked(Path runDir) {
        if (Files.isRegularFile(runDir.resolve(LOCK_FILE))) {
            lock(runDir).close();
        }
    }

    /** A held run-folder lock; closing it releases the lock. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the process ends soon; the operating system releases the lock then
            }
        }
    }

    /**
     * Takes {@code runDir}'s lock, or fails in one line naming the process that holds it. A lock file left
     * by a killed run is not held by anyone (the operating system released it with the process): it is
     * taken over, and the message of the killed run's process id is replaced.
     */
    public static Lock lock(Path runDir) {
        Path file = runDir.resolve(LOCK_FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(runDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                l = null;
            }
            if (l == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                ch.close();
                throw new UserException(runDir + ": another run is writing into this folder"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to end or choose another --output-dir");
            }
            removeStaleTemporaries(runDir);
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(("process " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
            return new Lock(ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // closing after a failure
            }
            throw new UserException(runDir + ": cannot lock the run folder (" + e.getMessage() + ")");
        }
    }

    /** Temporary files of an earlier run that was killed mid-write (ours start with '.' and end in .tmp). */
    private static void removeStaleTemporaries(Path runDir) throws IOException {
        for (Path dir : new Path[] {runDir, runDir.resolve("checkpoints")}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (n.startsWith(".") && n.endsWith(".tmp")) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * The newest {@code runs/<app>/<run>/model.zip} (by modification time) of a full run, for commands given
     * no {@code --model}: a {@code --quick} smoke run is taken only when there is nothing else. None at all
     * is a user error that says how to make one.
     */
    public static Path newestModel(String app) {
        return newestModel(Paths.get("runs", app), app);
    }

    /** As {@link #newestModel(String)}, among the run folders in {@code runs}. */
    public static Path newestModel(Path runs, String app) {
        try (Stream<Path> s = Files.isDirectory(runs) ? Files.list(runs) : Stream.empty()) {
            java.util.List<Path> models = s.map(d -> d.resolve("model.zip")).filter(Files::isRegularFile)
                    .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed()).toList();
            if (models.isEmpty()) {
                throw new UserException("no model given and none in " + runs.toAbsolutePath()
                        + ": train one with ./lstm " + app + ", or pass --model FILE");
            }
            return models.stream().filter(m -> !Boolean.TRUE.equals(summaryOf(m.getParent()).get("quick")))
                    .findFirst().orElse(models.get(0));
        } catch (IOException e) {
            throw new UserException("cannot list " + runs + ": " + e.getMessage());
        }
    }

    /** The {@code summary.json} of the run in {@code runDir} as a map; empty when there is none or it does not read. */
    public static java.util.Map<String, Object> summaryOf(Path runDir) {
        Path file = runDir == null ? null : runDir.resolve("summary.json");
        if (file == null || !Files.isRegularFile(file)) {
            return java.util.Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> m = Json.read(Files.readString(file), java.util.Map.class);
            return m == null ? java.util.Map.of() : m;
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
    }

    /**
     * What is wrong with {@code runDir/summary.json}, in a few words ("not valid JSON: …, line 3"), or
     * {@code null} when it reads as a JSON object or is not there at all (a run that has not finished).
     */
    public static String summaryProblem(Path runDir) {
        Path file = runDir.resolve("summary.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            return "not UTF-8 text";
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
        if (text.isBlank()) {
            return "empty (" + text.length() + " bytes)";
        }
        try {
            Object o = Json.mapper().readValue(text, Object.class);
            return o instanceof java.util.Map ? null : "not a JSON object";
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            String what = e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\(.*$", "");
            return "not valid JSON (" + what + (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr() : "") + ")";
        } catch (IOException e) {
            return "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    /**
     * One line on which model a command uses: its path, the headline of the run that made it (from the
     * {@code summary.json} beside it), and a warning when that was a {@code --quick} smoke run.
     */
    public static String describeModel(Path model) {
        java.util.Map<String, Object> s = summaryOf(model.toAbsolutePath().getParent());
        StringBuilder sb = new StringBuilder("model: ").append(model);
        if (s.get("headline") != null) {
            sb.append(" (").append(s.get("headline")).append(')');
        }
        if (Boolean.TRUE.equals(s.get("quick"))) {
            sb.append(" — a --quick smoke run: train a full one for real results");
        }
        return sb.toString();
    }
}
