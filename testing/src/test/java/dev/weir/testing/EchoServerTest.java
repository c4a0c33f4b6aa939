package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    assertThat(response.body()).contains("backend=alpha", "method=GET", "uri=/a?b=c", "x-t: 1");
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
