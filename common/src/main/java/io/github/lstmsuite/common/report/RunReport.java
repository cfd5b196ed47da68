package io.github.lstmsuite.common.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code report.html}: one self-contained page per run folder, to open from disk with no network and
 * no script — the headline, the run's facts, its metrics, its learning curves drawn as SVG (the
 * training loss per step, smoothed, and every validation metric per epoch), every chart the run wrote
 * (embedded), and its configuration. It is built from the files the run left ({@code summary.json},
 * {@code metrics.csv}, {@code loss_curve.csv}, {@code *.png} and {@code *.svg}, also in per-part sub-folders), so
 * {@code ./lstm report DIR} rebuilds it for any finished run. DL4J has a live training UI but nothing that
 * writes such a page: this is ours.
 */
public final class RunReport {
    private RunReport() {
    }

    /** Writes {@code runDir/report.html} (atomically) and returns its path. */
    public static Path write(Path runDir) {
        Path file = runDir.resolve("report.html");
        AtomicFiles.writeString(file, html(runDir));
        return file;
    }

    /** The page for {@code runDir}. */
    public static String html(Path runDir) {
        Map<String, Object> s = RunDirs.summaryOf(runDir);
        String app = String.valueOf(s.getOrDefault("app", "lstm-suite"));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(app)).append(" — ")
                .append(esc(runDir.getFileName().toString())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("h1{font-size:1.5em}.headline{font-size:1.4em;font-weight:bold;color:#1f77b4}")
                .append(".warn{background:#fff3cd;padding:.5em;border:1px solid #e0c060}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
                .append("th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
                .append("pre{background:#f8f8f8;padding:.6em;overflow:auto;white-space:pre-wrap}img{max-width:100%}")
                .append("</style></head>\n<body>\n");
        h.append("<h1>").append(esc(app)).append(" run <code>").append(esc(runDir.getFileName().toString())).append("</code></h1>\n");
        if (s.get("headline") != null) {
            h.append("<p class=\"headline\" id=\"headline\">").append(esc(String.valueOf(s.get("headline")))).append("</p>\n");
        }
        if (Boolean.TRUE.equals(s.get("quick"))) {
            h.append("<p class=\"warn\">A <code>--quick</code> smoke run: its numbers say nothing about what the model can do.</p>\n");
        }
        String damaged = RunDirs.summaryProblem(runDir);
        if (damaged != null) {
            h.append("<p class=\"warn\" id=\"summary-problem\">summary.json is damaged: ").append(esc(damaged))
                    .append(". Its headline, metrics and configuration cannot be shown; what the other files hold is below.</p>\n");
        } else if (s.isEmpty()) {
            h.append("<p class=\"warn\">No summary.json: the run has not finished (or was stopped); what it wrote so far is below.</p>\n");
        }
        facts(h, s);
        metrics(h, s.get("metrics"));
        for (Path part : parts(runDir)) {
            curves(h, runDir, part);
        }
        images(h, runDir);
        if (s.get("config") != null) {
            h.append("<h2>Configuration</h2>\n<pre id=\"config\">").append(esc(Json.write(s.get("config")))).append("</pre>\n");
        }
        h.append("<p><small>Written by lstm-suite from the files of this run folder; ./lstm report DIR rebuilds it.</small></p>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void facts(StringBuilder h, Map<String, Object> s) {
        List<String[]> rows = new ArrayList<>();
        if (s.get("finishedAt") != null) {
            rows.add(new String[] {"finished", String.valueOf(s.get("finishedAt"))});
        }
        if (s.get("wallSeconds") instanceof Number w) {
            rows.add(new String[] {"wall time", seconds(w.doubleValue())});
        }
        if (s.get("trainSeconds") instanceof Number t && t.doubleValue() > 0) {
            rows.add(new String[] {"training time", seconds(t.doubleValue())});
        }
        if (s.get("trainSamplesPerSecond") instanceof Number r && r.doubleValue() > 0) {
            rows.add(new String[] {"training speed", String.format(Locale.ROOT, "%,.0f %s/s", r.doubleValue(), s.getOrDefault("speedUnit", "samples"))});
        }
        if (s.get("epochsCompleted") != null) {
            rows.add(new String[] {"epochs", String.valueOf(s.get("epochsCompleted"))});
        }
        if (s.get("seed") != null) {
            rows.add(new String[] {"seed", String.valueOf(s.get("seed"))});
        }
        if (s.get("data") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> rows.add(new String[] {"data: " + k, String.valueOf(v)}));
        }
        if (s.get("versions") instanceof Map<?, ?> v) {
            v.forEach((k, x) -> rows.add(new String[] {String.valueOf(k), String.valueOf(x)}));
        }
        if (!rows.isEmpty()) {
            h.append("<h2>The run</h2>\n<table id=\"facts\">");
            rows.forEach(r -> h.append("<tr><td>").append(esc(r[0])).append("</td><td>").append(esc(r[1])).append("</td></tr>"));
            h.append("</table>\n");
        }
    }

    /** Numbers in one table; a map of numbers per name (e.g. each forecaster's scores) in a table of its own; text as text. */
    private static void metrics(StringBuilder h, Object metrics) {
        if (!(metrics instanceof Map<?, ?> m) || m.isEmpty()) {
            return;
        }
        h.append("<h2>Metrics</h2>\n");
        StringBuilder plain = new StringBuilder();
        Map<String, Map<?, ?>> nested = new LinkedHashMap<>();
        StringBuilder texts = new StringBuilder();
        m.forEach((k, v) -> {
            if (v instanceof Number n) {
                plain.append("<tr><td>").append(esc(String.valueOf(k))).append("</td><td>").append(number(n)).append("</td></tr>");
            } else if (v instanceof Map<?, ?> sub && sub.values().stream().allMatch(x -> x instanceof Number)) {
                nested.put(String.valueOf(k), sub);
            } else if (v instanceof String t) {
                texts.append("<h3>").append(esc(String.valueOf(k))).append("</h3><pre>").append(esc(t)).append("</pre>\n");
            }
        });
        if (plain.length() > 0) {
            h.append("<table id=\"metrics\"><tr><th>metric</th><th>value</th></tr>").append(plain).append("</table>\n");
        }
        if (!nested.isEmpty()) {
            List<String> cols = new ArrayList<>();
            nested.values().forEach(sub -> sub.keySet().forEach(c -> {
                if (!cols.contains(String.valueOf(c))) {
                    cols.add(String.valueOf(c));
                }
            }));
            h.append("<table id=\"comparison\"><tr><th></th>");
            cols.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
            h.append("</tr>");
            nested.forEach((name, sub) -> {
                h.append("<tr><td>").append(esc(name)).append("</td>");
                cols.forEach(c -> h.append("<td>").append(sub.get(c) instanceof Number n ? number(n) : "").append("</td>"));
                h.append("</tr>");
            });
            h.append("</table>\n");
        }
        h.append(texts);
    }

    /** The run folder itself, then each sub-folder that holds a part's metrics (the forecaster's direct/, recursive/). */
    private static List<Path> parts(Path runDir) {
        List<Path> parts = new ArrayList<>();
        parts.add(runDir);
        try (Stream<Path> s = Files.list(runDir)) {
            s.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve("metrics.csv"))).sorted().forEach(parts::add);
        } catch (IOException e) {
            // no sub-folders then
        }
        return parts;
    }

    private static void curves(StringBuilder h, Path runDir, Path part) {
        List<Map<String, Double>> epochs = readCsv(part.resolve("metrics.csv"));
        List<Map<String, Double>> steps = readCsv(part.resolve("loss_curve.csv"));
        if (epochs.isEmpty() && steps.isEmpty()) {
            return;
        }
        String name = part.equals(runDir) ? "" : " — " + part.getFileName();
        h.append("<h2>Learning curves").append(esc(name)).append("</h2>\n<div class=\"curves\">");
        List<Svg.Series> loss = new ArrayList<>();
        if (!steps.isEmpty()) {
            loss.add(new Svg.Series("train_loss (smoothed, per step)", column(steps, "step"), column(steps, "train_loss"), false));
        }
        List<Svg.Series> val = new ArrayList<>();
        if (!epochs.isEmpty()) {
            for (String k : epochs.get(0).keySet()) {
                if (k.equals("val_loss")) {
                    loss.add(new Svg.Series("val_loss (end of epoch)", column(epochs, "step"), column(epochs, k), true));
                } else if (k.startsWith("val_")) {
                    val.add(new Svg.Series(k, column(epochs, "epoch"), column(epochs, k), true));
                }
            }
        }
        if (!loss.isEmpty()) {
            h.append(Svg.chart("Loss per output time step", "step", loss));
        }
        if (!val.isEmpty()) {
            h.append(Svg.chart("Validation metrics", "epoch", val));
        }
        h.append("</div>\n");
    }

    private static void images(StringBuilder h, Path runDir) {
        List<Path> pngs = new ArrayList<>();
        for (Path part : parts(runDir)) {
            try (Stream<Path> s = Files.list(part)) {
                s.filter(p -> p.getFileName().toString().endsWith(".png") || p.getFileName().toString().endsWith(".svg"))
                        .sorted().forEach(pngs::add);
            } catch (IOException e) {
                // none
            }
        }
        if (pngs.isEmpty()) {
            return;
        }
        h.append("<h2>Charts</h2>\n");
        for (Path p : pngs) {
            try {
                String name = runDir.relativize(p).toString();
                // as images, SVG too: a picture cannot run script, whatever the file holds
                String type = name.endsWith(".svg") ? "image/svg+xml" : "image/png";
                h.append("<figure><img alt=\"").append(esc(name)).append("\" src=\"data:").append(type).append(";base64,")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(p))).append("\"/><figcaption>")
                        .append(esc(name)).append("</figcaption></figure>\n");
            } catch (IOException e) {
                // an unreadable chart is left out
            }
        }
    }

    /** A CSV of numbers with a header row, as maps; empty when the file is missing. */
    static List<Map<String, Double>> readCsv(Path file) {
        List<Map<String, Double>> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty()) {
                return rows;
            }
            String[] head = lines.get(0).split(",");
            for (String line : lines.subList(1, lines.size())) {
                String[] v = line.split(",", -1);
                Map<String, Double> row = new LinkedHashMap<>();
                for (int i = 0; i < head.length; i++) {
                    try {
                        row.put(head[i], i < v.length && !v[i].isEmpty() ? Double.parseDouble(v[i]) : Double.NaN);
                    } catch (NumberFormatException e) {
                        row.put(head[i], Double.NaN);
                    }
                }
                rows.add(row);
            }
        } catch (IOException e) {
            rows.clear();
        }
        return rows;
    }

    private static double[] column(List<Map<String, Double>> rows, String key) {
        return rows.stream().mapToDouble(r -> r.getOrDefault(key, Double.NaN)).toArray();
    }

    private static String number(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) d)
                : String.format(Locale.ROOT, "%.4g", d);
    }

    private static String seconds(double s) {
        return io.github.lstmsuite.common.train.Progress.formatSeconds(s);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
