package dev.weir.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The traffic {@code DashboardQueriesE2E} sends through Weir so that every dashboard panel has
 * data: HTTP/1.1 from the JDK client, h2c and h2 over TLS from curl, and a failed TLS handshake.
 * Each method returns the statuses it got, by code, for the test to check. Not thread-safe.
 */
final class DashboardTraffic {

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String host;
  private final int httpPort;
  private final int httpsPort;
  private final Map<String, Integer> statuses = new TreeMap<>();
  private final Path curlLog;

  /** Traffic to {@code host} on the listener ports; curl's messages go to {@code logDir}. */
  DashboardTraffic(String host, int httpPort, int httpsPort, Path logDir) {
    this.curlLog = logDir.resolve("curl.log");
    this.host = host;
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
  }

  /**
   * Status code (or {@code "HTTPS h2 200"} for curl's requests: scheme, version, code) → how many
   * were answered; curl's failures show as code 000.
   */
  Map<String, Integer> statuses() {
    return statuses;
  }

  /**
   * HTTP/1.1 GETs of {@code path} with {@code Host: hostHeader}, {@code times} times, with the
   * given extra headers (name, value, ...).
   */
  void get(String hostHeader, String path, int times, String... headers)
      throws IOException, InterruptedException {
    for (int i = 0; i < times; i++) {
      HttpRequest.Builder b = request(hostHeader, path);
      for (int h = 0; h < headers.length; h += 2) {
        b.header(headers[h], headers[h + 1]);
      }
      count(client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }

  /** HTTP/1.1 GETs of {@code path} on the route's host. */
  void get(String path, int times, String... headers) throws IOException, InterruptedException {
    get(host, path, times, headers);
  }

  /** HTTP/1.1 POSTs of a small body, so that request bytes are counted. */
  void post(String path, int times) throws IOException, InterruptedException {
    for (int i = 0; i < times; i++) {
      HttpRequest r =
          request(host, path).POST(HttpRequest.BodyPublishers.ofString("x".repeat(512))).build();
      count(client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }

  private HttpRequest.Builder request(String hostHeader, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .header("Host", hostHeader)
        .timeout(Duration.ofSeconds(10));
  }

  private void count(int status) {
    statuses.merge(Integer.toString(status), 1, Integer::sum);
  }

  /**
   * {@code times} h2c requests (prior knowledge) for {@code path}, each on its own connection. With
   * curl 7.88, a second request on the same prior-knowledge connection fails with "Error in the
   * HTTP2 framing layer" against the data plane (reported separately), so each gets its own.
   */
  void h2c(String path, int times) throws IOException, InterruptedException {
    for (int i = 0; i < times; i++) {
      curl(
          List.of(
              "--http2-prior-knowledge",
              "--resolve",
              host + ":" + httpPort + ":127.0.0.1",
              "-o",
              "/dev/null",
              "http://" + host + ":" + httpPort + path));
    }
  }

  /** {@code times} requests for {@code path} in parallel over one TLS connection, h2 by ALPN. */
  void https(String path, int times) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("--http2", "-k", "--resolve", host + ":" + httpsPort + ":127.0.0.1", "-Z"));
    for (int i = 0; i < times; i++) {
      args.addAll(List.of("-o", "/dev/null", "https://" + host + ":" + httpsPort + path));
    }
    curl(args);
  }

  private void curl(List<String> urlsAndFlags) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--no-progress-meter",
                "-w",
                "%{scheme} h%{http_version} %{http_code}\\n"));
    command.addAll(urlsAndFlags);
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(curlLog.toFile()))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("curl did not finish: " + command);
    }
    out.lines().filter(l -> !l.isBlank()).forEach(l -> statuses.merge(l, 1, Integer::sum));
  }

  /** Plain text to the TLS listener: the server's handshake fails (not a TLS record). */
  void failedTlsHandshake() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), httpsPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // until the server closes the connection
      }
    }
  }
}
