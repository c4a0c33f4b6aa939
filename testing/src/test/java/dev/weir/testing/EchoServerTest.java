package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoServerTest {

  private static EchoServer server;
  private static final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    server = EchoServer.start("alpha");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void echoesNameMethodUriAndHeaders() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/a?b=c")).header("x-t", "1"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-backend")).hasValue("alpha");
    assertThat(response.body())
        .contains("backend=alpha", "method=GET", "uri=/a?b=c", "protocol=HTTP/1.1", "x-t: 1");
  }

  @Test
  void h2cServerEchoesHttp2WithPriorKnowledge() throws Exception {
    Path curl = Path.of("/usr/bin/curl");
    assumeThat(Files.isExecutable(curl)).as("curl installed").isTrue();
    try (EchoServer h2c = EchoServer.startH2c("h2")) {
      Process p =
          new ProcessBuilder(
                  curl.toString(),
                  "-sS",
                  "-i",
                  "--max-time",
                  "10",
                  "--http2-prior-knowledge",
                  "-H",
                  "x-t: 2",
                  "http://127.0.0.1:" + h2c.port() + "/a?b=c")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .startsWith("HTTP/2 200")
          .contains("x-backend: h2", "backend=h2", "uri=/a?b=c", "protocol=HTTP/2", "x-t: 2");
      assertThat(h2c.requests()).isEqualTo(1);
    }
  }

  @Test
  void h2cServerClosesHttp11Connections() {
    try (EchoServer h2c = EchoServer.startH2c("h2")) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h2c.port() + "/"))
              .timeout(Duration.ofSeconds(10))
              .build();
      assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThat(h2c.connectionsAccepted()).isEqualTo(1);
      assertThat(h2c.requests()).isZero();
    }
  }

  @Test
  void echoesRequestBodyAfterTheHeaders() throws Exception {
    String body = "hello ".repeat(10_000);
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/p")).POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(response.body()).startsWith("backend=alpha").endsWith(body);
  }

  @Test
  void servesBytesAndStatus() throws Exception {
    assertThat(send(HttpRequest.newBuilder(uri("/bytes/1024"))).body()).hasSize(1024);
    assertThat(send(HttpRequest.newBuilder(uri("/status/418"))).statusCode()).isEqualTo(418);
  }

  @Test
  void failWithAnswersEveryPathButHealthzWithTheStatusUntilCleared() throws Exception {
    try (EchoServer failing = EchoServer.start("failing")) {
      URI base = URI.create("http://127.0.0.1:" + failing.port());
      failing.failWith(500);
      assertThat(send(HttpRequest.newBuilder(base.resolve("/a"))).statusCode()).isEqualTo(500);
      assertThat(send(HttpRequest.newBuilder(base.resolve("/status/404"))).statusCode())
          .isEqualTo(500);
      assertThat(send(HttpRequest.newBuilder(base.resolve("/healthz"))).statusCode())
          .isEqualTo(200);
      failing.failWith(0);
      assertThat(send(HttpRequest.newBuilder(base.resolve("/a"))).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void slowPathAnswersAfterTheDelay() throws Exception {
    long start = System.nanoTime();
    assertThat(send(HttpRequest.newBuilder(uri("/slow/200"))).statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
  }

  @Test
  void certificatesAreSelfSignedForTheirHostsAndRedacted() throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned("a.example.com", "*.b.example.com");
    assertThat(pem.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(pem.privateKeyPem()).contains("PRIVATE KEY");
    assertThat(pem.certificate().getSubjectAlternativeNames()).hasSize(2);
    assertThat(pem.toString()).contains("[redacted]").doesNotContain("PRIVATE");
  }
}
