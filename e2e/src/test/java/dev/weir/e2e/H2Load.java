package dev.weir.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code h2load} run (nghttp2's HTTP/2 load generator, h2c with prior knowledge for {@code
 * http://} URLs) in the background, and its counts once it ends. Owned by one test thread.
 */
final class H2Load {

  private static final Pattern REQUESTS =
      Pattern.compile(
          "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed,"
              + " (\\d+) errored, (\\d+) timeout");
  private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx");

  private final Process process;
  private final Duration length;

  private H2Load(Process process, Duration length) {
    this.process = process;
    this.length = length;
  }

  /**
   * Starts {@code clients} connections sending {@code perClientPerSecond} requests a second each to
   * {@code url} for {@code length}.
   */
  static H2Load start(String url, Duration length, int clients, int perClientPerSecond)
      throws IOException {
    Process p =
        new ProcessBuilder(
                List.of(
                    "h2load",
                    "-D",
                    String.valueOf(length.toSeconds()),
                    "-c",
                    String.valueOf(clients),
                    "--rps",
                    String.valueOf(perClientPerSecond),
                    url))
            .redirectErrorStream(true)
            .start();
    return new H2Load(p, length);
  }

  /** Waits for the run to end and parses its summary. */
  Result await() throws IOException, InterruptedException {
    if (!process.waitFor(length.toSeconds() + 30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("h2load did not end");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher r = REQUESTS.matcher(out);
    Matcher s = STATUS.matcher(out);
    if (!r.find() || !s.find()) {
      throw new AssertionError("unexpected h2load output:\n" + out);
    }
    return new Result(
        Long.parseLong(r.group(3)),
        Long.parseLong(r.group(4)),
        Long.parseLong(r.group(5)) + Long.parseLong(r.group(6)) + Long.parseLong(r.group(7)),
        Long.parseLong(s.group(1)));
  }

  /**
   * @param done requests that got a whole response
   * @param succeeded of those, the ones h2load counts as successful
   * @param failedOrErrored failed, errored and timed-out requests
   * @param status2xx responses with a 2xx status
   */
  record Result(long done, long succeeded, long failedOrErrored, long status2xx) {}
}
