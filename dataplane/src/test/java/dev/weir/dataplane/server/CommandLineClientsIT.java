package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.https;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.secret;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.sni;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy as the everyday command-line clients see it: curl over HTTP/1.1, h2c with prior
 * knowledge, and TLS (HTTP/1.1 and h2 by ALPN), and nghttp (nghttp2's client, which prints the
 * frames it exchanges). Each request must reach the echo backend and come back whole.
 */
class CommandLineClientsIT {

  private static final String HOST = "cli.example.com";
  private static EchoServer backend;
  private static ProxyFixture proxy;
  private static int port;
  private static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    backend = EchoServer.start("cli-backend");
    proxy = new ProxyFixture();
    port = freePort();
    tlsPort = freePort();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addListeners(https("tls", tlsPort, "rt", sni(HOST, "default/cli")))
            .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
            .addClusters(cluster("b", backend.port()))
            .addSecrets(secret("default/cli", TestCertificates.selfSigned(HOST)))
            .build());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void curlOverHttp11() throws Exception {
    String out = curl("--http1.1", "http://127.0.0.1:" + port + "/curl-h1");
    assertThat(out).contains("uri=/curl-h1").contains("backend=cli-backend").endsWith("\n1.1 200");
  }

  @Test
  void curlOverH2cWithPriorKnowledge() throws Exception {
    String out = curl("--http2-prior-knowledge", "http://127.0.0.1:" + port + "/curl-h2c");
    assertThat(out).contains("uri=/curl-h2c").endsWith("\n2 200");
  }

  @Test
  void curlOverTlsNegotiatesH2AndHttp11() throws Exception {
    String resolve = HOST + ":" + tlsPort + ":127.0.0.1";
    String url = "https://" + HOST + ":" + tlsPort;
    String h2 = curl("-k", "--resolve", resolve, "--http2", url + "/curl-tls-h2");
    String h1 = curl("-k", "--resolve", resolve, "--http1.1", url + "/curl-tls-h1");
    assertThat(h2).contains("uri=/curl-tls-h2").endsWith("\n2 200");
    assertThat(h1).contains("uri=/curl-tls-h1").endsWith("\n1.1 200");
  }

  @Test
  void nghttpSeesTheProxysSettingsAndGetsTheResponse() throws Exception {
    String out = run("nghttp", "-nv", "http://127.0.0.1:" + port + "/nghttp");
    assertThat(out).contains("recv SETTINGS frame").contains(":status: 200");
    assertThat(out).contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100");
    // -n discards the body, so the echo is checked with a second request.
    String body = run("nghttp", "http://127.0.0.1:" + port + "/nghttp-body");
    assertThat(body).contains("uri=/nghttp-body");
  }

  /** curl's output (options, then the URL last) with the HTTP version and status appended. */
  private static String curl(String... optionsThenUrl) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    cmd.addAll(List.of(optionsThenUrl));
    cmd.addAll(List.of("-o", "-", "-w", "\n%{http_version} %{http_code}"));
    return run(cmd.toArray(String[]::new));
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }
}
