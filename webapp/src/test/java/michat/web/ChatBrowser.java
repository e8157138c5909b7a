package michat.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person's browser: Debian's headless Chromium driven by its chromedriver, with a profile of its
 * own (own cookies, own storage), so that several of them are independent users. Nothing is ever
 * downloaded: both binaries are given explicitly, so Selenium Manager has nothing to do.
 */
final class ChatBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(15);

  final String name;
  final ChromeDriver driver;
  final String baseUrl;
  private final Path profile;
  private final Path screenshots;

  /** Chromium and chromedriver must be installed under CI (a missing one fails); elsewhere the tests are skipped. */
  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && System.getenv("CI") != null) {
      Assertions.fail("/usr/bin/chromium and /usr/bin/chromedriver are needed and CI is set: "
          + "apt-get install chromium chromium-driver (see .ci/run)");
    }
    Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are not installed");
  }

  /**
   * A desktop-sized browser {@code who} signed in on the login page as {@code user} (password
   * {@code pw-<user>}, as {@code TestServer.newUser} registers), on the chat page and online.
   */
  static ChatBrowser signedIn(String who, int port, String user, Path screenshots) {
    ChatBrowser b = new ChatBrowser(who, port, 1280, 900, screenshots);
    b.open("/index");
    b.fill("input[name='name']", user);
    b.fill("input[name='password']", "pw-" + user);
    b.find("#login-form button[type='submit']").click();
    b.waitUntil("the chat page", d -> d.getCurrentUrl().endsWith("/toChat") ? true : null);
    b.waitOnline();
    return b;
  }

  ChatBrowser(String name, int port, int width, int height, Path screenshots) {
    this.name = name;
    this.baseUrl = "http://127.0.0.1:" + port;
    this.screenshots = screenshots;
    System.setProperty("SE_AVOID_STATS", "true");
    try {
      profile = Files.createTempDirectory("michat-chromium-" + name + "-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile,
        "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--no-default-browser-check", "--no-pings",
        "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
        "--mute-audio", "--lang=zh-CN",
        // A fake microphone that needs no permission prompt: voice clips can be recorded.
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--window-size=" + width + "," + height);
    if (width < 500) {
      // Windows cannot be narrower than 500 px: a phone's screen is emulated instead.
      options.setExperimentalOption("mobileEmulation", Map.of(
          "deviceMetrics", Map.of("width", width, "height", height, "pixelRatio", 2.0, "touch", false)));
    }
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  // ---- navigation and waiting ----

  void open(String path) {
    driver.get(baseUrl + path);
  }

  /** A page of another origin (an attacker's, in the security tests). */
  void openUrl(String url) {
    driver.get(url);
  }

  String title() {
    return driver.getTitle();
  }

  <T> T waitUntil(String what, Function<WebDriver, T> condition) {
    return waitUntil(what, WAIT, condition);
  }

  <T> T waitUntil(String what, Duration timeout, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition);
    } catch (TimeoutException e) {
      screenshot("timeout-" + name);
      throw new AssertionError(name + ": timed out waiting for " + what + " (url " + driver.getCurrentUrl() + ")", e);
    }
  }

  WebElement waitFor(String css) {
    return waitUntil(css, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  void waitGone(String css) {
    waitUntil(css + " to disappear", d -> d.findElements(By.cssSelector(css)).stream().noneMatch(WebElement::isDisplayed));
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Waits until the script returns something truthy (not null, false or ""). */
  Object waitJs(String what, String script, Object... args) {
    return waitUntil(what, d -> {
      Object v = js(script, args);
      return v == null || Boolean.FALSE.equals(v) || "".equals(v) ? null : v;
    });
  }

  // ---- the chat page ----

  long userId() {
    return Long.parseLong(find("#app").getAttribute("data-user-id"));
  }

  /** Waits for the connection state (the sidebar may be hidden on a phone, so not by visibility). */
  void waitState(String state, Duration timeout) {
    waitUntil("connection state " + state, timeout, d -> state.equals(connectionState()) ? true : null);
  }

  void waitOnline() {
    waitState("online", WAIT);
  }

  String connectionState() {
    return find("#conn").getAttribute("data-state");
  }

  void fill(String css, String text) {
    WebElement input = waitFor(css);
    input.clear();
    input.sendKeys(text);
  }

  /**
   * Picks a file in a file input. The inputs are visually hidden (a button opens the file chooser),
   * so the input is shown for the moment WebDriver types the path into it.
   */
  void attach(String inputCss, Path file) {
    js("arguments[0].classList.remove('sr-only');", find(inputCss));
    find(inputCss).sendKeys(file.toAbsolutePath().toString());
    js("arguments[0].classList.add('sr-only');", find(inputCss));
  }

  /** Opens a conversation from the list and waits until it is shown. */
  void openConversation(String key) {
    waitFor(".conv[data-conv='" + key + "']").click();
    waitFor("#conversation[data-conv='" + key + "']");
  }

  /** Types into the composer and presses Enter. */
  void send(String text) {
    WebElement input = waitFor("#input");
    input.sendKeys(text);
    input.sendKeys(org.openqa.selenium.Keys.ENTER);
  }

  /** The open conversation's messages, oldest first: "> text" for own, "< text" for others'. */
  @SuppressWarnings("unchecked")
  List<String> messages() {
    return (List<String>) js("return Array.from(document.querySelectorAll('#message-list .msg')).map(function (li) {"
        + " var t = li.querySelector('.bubble-text');"
        + " return (li.classList.contains('msg-out') ? '> ' : '< ') + (t ? t.textContent : '[media ' + li.getAttribute('data-media') + ']');"
        + "});");
  }

  /** Waits until the open conversation shows this message (exact bubble text) with the given direction. */
  void waitMessage(String direction, String text) {
    waitUntil("message " + direction + " " + text + " (have " + safeMessages() + ")",
        d -> messages().contains(direction + " " + text) ? Boolean.TRUE : null);
  }

  private List<String> safeMessages() {
    try {
      return messages();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  long count(String direction, String text) {
    return messages().stream().filter(m -> m.equals(direction + " " + text)).count();
  }

  String badge(String key) {
    List<WebElement> b = driver.findElements(By.cssSelector(".conv[data-conv='" + key + "'] .badge"));
    return b.isEmpty() || !b.get(0).isDisplayed() ? "" : b.get(0).getText();
  }

  // ---- artifacts ----

  /** Saves a PNG of the viewport under target/screenshots/; returns its path. */
  Path screenshot(String file) {
    try {
      Files.createDirectories(screenshots);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path target = screenshots.resolve(file + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException | RuntimeException e) {
      System.err.println("screenshot " + file + " failed: " + e);
      return null;
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } catch (RuntimeException e) {
      System.err.println("closing " + name + "'s browser: " + e);
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
