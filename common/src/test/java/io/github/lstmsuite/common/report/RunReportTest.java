package io.github.lstmsuite.common.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmsuite.common.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class RunReportTest {

    /** A finished run folder as the trainer and an app leave it. */
    private static Path fakeRun(Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("mnist/20261202-100000"));
        Files.writeString(dir.resolve("metrics.csv"), "epoch,step,train_loss,val_loss,val_accuracy\n1,100,0.9,0.8,0.71\n2,200,0.5,0.55,0.83\n");
        Files.writeString(dir.resolve("loss_curve.csv"), "step,train_loss\n1,2.3\n50,1.2\n100,0.9\n150,0.6\n200,0.5\n");
        Charts.lines(dir.resolve("chart.png"), "t", "x", "y", List.of(new Charts.Line("a", new double[] {1, 2}, new double[] {3, 4}, java.awt.Color.BLUE, false)));
        RunSummary s = new RunSummary("mnist", "train", Map.of("hidden", 64), 42);
        s.headline = "test accuracy 0.8300";
        s.metrics.put("test_accuracy", 0.83);
        s.metrics.put("lstm", Map.of("mae", 1.5, "mase", 0.9));
        s.metrics.put("sample", "ROMEO: <b>hi</b>");
        s.write(dir.resolve("summary.json"));                 // writes report.html too
        return dir;
    }

    @Test
    void aRunFolderGetsASelfContainedWellFormedPage(@TempDir Path tmp) throws Exception {
        Path dir = fakeRun(tmp);
        Path page = dir.resolve("report.html");
        assertTrue(Files.isRegularFile(page));
        String html = Files.readString(page);
        assertEquals(-1, html.replace("http://www.w3.org/2000/svg", "").indexOf("http"), "nothing fetched from the network");
        assertTrue(html.contains("&lt;b&gt;hi&lt;/b&gt;"), "text is escaped");
        // it parses as XML (XHTML-style), so every element is closed
        var f = DocumentBuilderFactory.newInstance();
        Document doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(html.replace("<!DOCTYPE html>", ""))));
        var xp = XPathFactory.newInstance().newXPath();
        assertEquals("test accuracy 0.8300", xp.evaluate("//*[@id='headline']", doc));
        NodeList svgs = (NodeList) xp.evaluate("//*[local-name()='svg']", doc, XPathConstants.NODESET);
        assertEquals(2, svgs.getLength(), "loss per step and validation metrics");
        NodeList lines = (NodeList) xp.evaluate("//*[local-name()='polyline']", doc, XPathConstants.NODESET);
        String trainLine = lines.item(0).getAttributes().getNamedItem("points").getNodeValue();
        assertEquals(5, trainLine.split(" ").length, "one point per loss_curve row: " + trainLine);
        assertEquals("1", xp.evaluate("count(//img[starts-with(@src, 'data:image/png;base64,')])", doc));
        String comparison = xp.evaluate("//table[@id='comparison']", doc);
        assertTrue(comparison.contains("lstm") && comparison.contains("1.5") && comparison.contains("0.9"), comparison);
        assertTrue(xp.evaluate("//table[@id='metrics']", doc).contains("0.8300"));
    }

    @Test
    void runsListsNewestFirstAndReportRebuilds(@TempDir Path tmp) throws Exception {
        Path dir = fakeRun(tmp);
        Files.delete(dir.resolve("report.html"));
        Cli.Captured r = Cli.captured(() -> RunsApp.runExample("report", dir.toString()));
        assertEquals(0, r.outcome().exitCode(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("report.html")));
        Cli.Captured list = Cli.captured(() -> RunsApp.runExample("runs", tmp.resolve("mnist").getParent().toString()));
        assertTrue(list.out().contains("test accuracy 0.8300"), list.out());
        Cli.Captured bad = Cli.captured(() -> RunsApp.runExample("report", tmp.resolve("nope").toString()));
        assertEquals(2, bad.outcome().exitCode());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }

    @Test
    void aDamagedSummaryIsNamedOnStderrAndOnThePageWhichStillShowsTheOtherFiles(@TempDir Path tmp) throws Exception {
        Path dir = fakeRun(tmp);
        String whole = Files.readString(dir.resolve("summary.json"));
        Files.writeString(dir.resolve("summary.json"), whole.substring(0, whole.length() / 2));   // cut short, as by a full disk
        Cli.Captured r = Cli.captured(() -> RunsApp.runExample("report", dir.toString()));
        assertEquals(2, r.outcome().exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("summary.json: not valid JSON") && r.err().contains("line "), r.err());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("summary.json is damaged: not valid JSON"), html);
        assertTrue(!html.contains("has not finished"), "a damaged file is not a missing one");
        assertTrue(html.contains("<svg") && html.contains("data:image/png;base64,"), "the curves and the chart are still shown");
        Cli.Captured list = Cli.captured(() -> RunsApp.runExample("runs", tmp.toString()));
        assertTrue(list.out().contains("summary.json damaged"), list.out());

        Files.writeString(dir.resolve("summary.json"), "[1, 2]");
        assertEquals("not a JSON object", RunDirs.summaryProblem(dir));
        Files.writeString(dir.resolve("summary.json"), "");
        assertTrue(RunDirs.summaryProblem(dir).startsWith("empty"));
        Files.writeString(dir.resolve("summary.json"), whole);
        assertEquals(null, RunDirs.summaryProblem(dir));
        assertEquals(0, Cli.captured(() -> RunsApp.runExample("report", dir.toString())).outcome().exitCode());
    }

    @Test
    void aHeatMapHasACellPerValueScaledToTheLargestAndTheReportShowsItAsAnImage(@TempDir Path tmp) throws Exception {
        double[][] w = {{0.7, 0.2, 0.1}, {0.05, 0.05, 0.9}};
        String svg = Svg.heatmap("attention", List.of("le", "</s>"), List.of("the", " ", "<unk>"), w);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new org.xml.sax.InputSource(new java.io.StringReader(svg)));
        var xp = XPathFactory.newInstance().newXPath();
        NodeList cells = (NodeList) xp.evaluate("//*[local-name()='rect'][@fill-opacity]", doc, XPathConstants.NODESET);
        assertEquals(6, cells.getLength(), "one cell per weight");
        assertEquals(1.0, Double.parseDouble(cells.item(5).getAttributes().getNamedItem("fill-opacity").getNodeValue()), 1e-9,
                "the largest weight is the darkest");
        assertEquals(0.7 / 0.9, Double.parseDouble(cells.item(0).getAttributes().getNamedItem("fill-opacity").getNodeValue()), 1e-3);
        String text = xp.evaluate("string(/)", doc);
        assertTrue(text.contains("</s>") && text.contains("<unk>") && text.contains("␣") && text.contains("darkest = 90%"), text);
        assertTrue(text.contains("70") && text.contains("90") && !text.contains(" 5"), "cells ≥ 10 % carry their value: " + text);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Svg.heatmap("x", List.of("a"), List.of("b", "c"), w));

        Path dir = fakeRun(tmp);
        Files.writeString(dir.resolve("attention_1.svg"), svg);
        String html = RunReport.html(dir);
        assertTrue(html.contains("src=\"data:image/svg+xml;base64,"), "embedded as a picture (no script can run in it)");
        assertEquals(-1, html.indexOf("fill-opacity"), "not inlined");
    }

    @Test
    void ticksAreRound() {
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, Svg.ticks(0, 2.3), 1e-12);
        assertArrayEquals(new double[] {0, 200, 400, 600, 800, 1000}, Svg.ticks(0, 938), 1e-9);
    }
}
