package io.github.lstmsuite.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in a real headless Chromium (Debian's {@code chromium} and {@code chromedriver}; no
 * browser is downloaded), driven as a person uses it: strokes drawn on the canvas, buttons pressed, the results
 * read off the page and compared with what the API answers. Screenshots go to {@code target/page/}. Without
 * chromedriver the test is skipped, except under {@code CI=true}, where {@code .ci/run} installs it.
 */
class PageTest {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static ModelServer server;
    static ChromeDriver browser;
    static Http http;
    static final Path SHOTS = Paths.get("target", "page");

    @BeforeAll
    static void start() throws Exception {
        boolean have = new File(CHROMEDRIVER).canExecute() && new File("/usr/bin/chromium").canExecute();
        if (!have && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but Debian's chromium and chromium-driver are not installed");
        }
        Assumptions.assumeTrue(have, "Debian's chromium and chromium-driver are not installed");
        server = ModelServer.start(ServeConfig.local(TrainedModels.get().sources()));
        http = new Http(server.url());
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1500",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(svc, o);
        Files.createDirectories(SHOTS);
        browser.get(server.url() + "/");
        waitFor(() -> browser.findElement(By.id("served")).getText().startsWith("served:"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> condition.getAsBoolean());
    }

    /** A screenshot of one section of the page, to be looked at. */
    static void shot(String section) throws Exception {
        WebElement e = browser.findElement(By.id(section + "-section"));
        browser.executeScript("arguments[0].scrollIntoView()", e);
        Files.write(SHOTS.resolve(section + ".png"), e.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void drawADigitAndSeeTheTopThree() throws Exception {
        WebElement pad = browser.findElement(By.id("pad"));
        // a "7": a bar across the top, then a stroke down to the lower left (offsets from the canvas' centre)
        new Actions(browser).moveToElement(pad, -70, -90).clickAndHold().moveByOffset(70, 0).moveByOffset(70, 0)
                .moveByOffset(-25, 60).moveByOffset(-25, 60).moveByOffset(-25, 60).release().perform();
        browser.findElement(By.id("classify")).click();
        waitFor(() -> browser.findElements(By.cssSelector("#digit-top tr.top")).size() == 3);
        List<WebElement> rows = browser.findElements(By.cssSelector("#digit-top tr.top"));
        shot("digit");
        assertEquals("7", rows.get(0).getAttribute("data-digit"), "the page's top-1 for a drawn 7");
        // the page sent what the API reads: the same picture posted directly gives the same answer
        String png = (String) browser.executeScript("return document.getElementById('pad').toDataURL('image/png').split(',')[1]");
        Http.Reply r = http.post("/v1/models/mnist/classify", Http.json(Map.of("image", png)));
        assertEquals(r.json().get("digit").asText(), rows.get(0).getAttribute("data-digit"));
        browser.findElement(By.id("clear")).click();
        assertEquals(0, browser.findElements(By.cssSelector("#digit-top tr.top")).size());
    }

    @Test
    void watchTextAppearAndStopIt() throws Exception {
        WebElement length = browser.findElement(By.id("length"));
        length.clear();
        length.sendKeys("5000");
        browser.findElement(By.id("generate")).click();
        WebElement text = browser.findElement(By.id("text"));
        String prime = browser.findElement(By.id("prime")).getAttribute("value");
        waitFor(() -> text.getText().length() > prime.length() + 20);         // characters arrive while it runs
        assertTrue(browser.findElement(By.id("generate")).getAttribute("disabled") != null, "Generate is off while streaming");
        browser.findElement(By.id("stop")).click();
        waitFor(() -> "stopped".equals(browser.findElement(By.id("text-status")).getText()));
        int atStop = text.getText().length();
        Thread.sleep(300);
        assertEquals(atStop, text.getText().length(), "nothing arrives after Stop");
        assertTrue(atStop < prime.length() + 5000, "stopped before the end");
        shot("text");
        // a whole run: the page shows exactly the API's text for the same settings
        length.clear();
        length.sendKeys("60");
        browser.findElement(By.id("generate")).click();
        waitFor(() -> browser.findElement(By.id("text-status")).getText().startsWith("done"));
        String api = http.post("/v1/models/chars/generate", Http.json(Map.of("prime", prime, "length", 60, "temperature", 0.8,
                "seed", 42))).json().get("text").asText();
        assertEquals(prime + api, text.getText().replace("\r", ""));
    }

    @Test
    void translateASentence() throws Exception {
        browser.findElement(By.id("sentences")).sendKeys("3 march 2019\ndecember 25, 1999");
        browser.findElement(By.id("translate")).click();
        waitFor(() -> browser.findElements(By.cssSelector("#translations td.translation")).size() == 2);
        List<WebElement> cells = browser.findElements(By.cssSelector("#translations td.translation"));
        int beam = Integer.parseInt(browser.findElement(By.id("beam")).getAttribute("value"));
        Http.Reply r = http.post("/v1/models/translate/translate", Http.json(Map.of("sentences", List.of("3 march 2019", "december 25, 1999"),
                "beam", beam)));
        assertEquals(r.json().get("translations").get(0).get("translation").asText(), cells.get(0).getText());
        assertEquals(r.json().get("translations").get(1).get("translation").asText(), cells.get(1).getText());
        shot("translate");
    }

    @Test
    void forecastTheModelsOwnSeriesWithIntervals() throws Exception {
        browser.findElement(By.id("example")).click();
        assertFalse(browser.findElement(By.id("series")).getAttribute("value").isBlank());
        browser.findElement(By.id("forecast")).click();
        waitFor(() -> !browser.findElements(By.id("forecast-chart")).isEmpty());
        WebElement chart = browser.findElement(By.id("forecast-chart"));
        String history = chart.findElement(By.cssSelector("polyline.history")).getAttribute("points");
        String forecast = chart.findElement(By.cssSelector("polyline.forecast")).getAttribute("points");
        String band95 = chart.findElement(By.cssSelector("polygon.band95")).getAttribute("points");
        int horizon = Integer.parseInt(browser.findElement(By.id("horizon")).getAttribute("value"));
        int n = browser.findElement(By.id("series")).getAttribute("value").split(",").length;
        assertEquals(n, history.trim().split(" ").length);
        assertEquals(horizon + 1, forecast.trim().split(" ").length, "the last value, then one point per step");
        assertEquals(2 * horizon, band95.trim().split(" ").length, "the 95 % band: upper edge out, lower edge back");
        shot("forecast");
        // an error is shown on the page, in one line
        browser.findElement(By.id("series")).clear();
        browser.findElement(By.id("series")).sendKeys("1, 2, 3");
        browser.findElement(By.id("forecast")).click();
        waitFor(() -> !browser.findElement(By.id("forecast-error")).getText().isBlank());
        assertTrue(browser.findElement(By.id("forecast-error")).getText().contains("reads the last"));
        browser.findElement(By.id("example")).click();
    }

    @Test
    void thePageLoadsNothingFromOutsideAndLogsNoErrors() {
        String html = http.get("/").body();
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external resources");
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            assertFalse(e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
                    && !e.getMessage().contains("422"), "console error: " + e.getMessage());
        }
    }
}
