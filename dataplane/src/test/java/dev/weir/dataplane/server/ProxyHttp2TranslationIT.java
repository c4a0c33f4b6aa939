package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.END_STREAM;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HTTP/2 client to HTTP/1.1 backend translation of trailers: a chunked response's trailer section
 * (RFC 9112 §7.1.2) reaches the HTTP/2 client as a trailing HEADERS frame that ends the stream (RFC
 * 9113 §8.1). The other direction (h2c backend trailers to an HTTP/1.1 client that sent {@code TE:
 * trailers}) is covered by {@code ProxyHttp2IT}.
 */
class ProxyHttp2TranslationIT {

  private ScriptedBackend backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend =
        new ScriptedBackend(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n"
                + "trailer: x-checksum\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n"
                + "x-checksum: 5eb63bbb\r\n\r\n",
            false);
    proxy = new ProxyFixture();
    port = proxy.forwardAll(backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  @Test
  void chunkedTrailersFromAnHttp1BackendArriveAsHttp2Trailers() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/trailers").add("te", "trailers"), true);

      RawH2.Frame head = h2.await(f -> f.type() == HEADERS && f.streamId() == 1);
      assertThat(head.headers().status().toString()).isEqualTo("200");
      // RFC 9113 §8.2.2: no connection-specific fields; the chunked framing is gone.
      assertThat(head.headers().contains("transfer-encoding")).isFalse();
      StringBuilder body = new StringBuilder();
      RawH2.Frame trailers = null;
      for (RawH2.Frame f; (f = h2.next()) != null; ) {
        if (f.streamId() != 1) {
          continue;
        }
        if (f.type() == RawH2.DATA) {
          body.append(new String(f.payload(), StandardCharsets.UTF_8));
        }
        if (f.type() == HEADERS) {
          trailers = f;
        }
        if ((f.flags() & END_STREAM) != 0) {
          break;
        }
      }

      assertThat(body.toString()).isEqualTo("hello world");
      assertThat(trailers).isNotNull();
      assertThat(trailers.flags() & END_STREAM).isEqualTo(END_STREAM);
      assertThat(trailers.headers().get("x-checksum").toString()).isEqualTo("5eb63bbb");
    }
  }

  /**
   * A malformed request head (RFC 9113 §8.1.1) never reaches a backend: a Host naming another
   * entity than :authority (§8.3.1) gets 400 on its stream; a connection-specific field or a TE
   * other than "trailers" (§8.2.2) is refused by the HTTP/2 codec itself with a stream error of
   * type PROTOCOL_ERROR. Either way the connection's next stream is served.
   */
  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({"host, b.example, 400", "connection, keep-alive, RST", "te, gzip, RST"})
  void malformedHeadIsRefusedAndTheConnectionServesOn(String name, String value, String outcome)
      throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/x").authority("a.example").add(name, value), true);

      RawH2.Frame refused =
          h2.await(f -> f.streamId() == 1 && (f.type() == HEADERS || f.type() == RawH2.RST_STREAM));
      if (outcome.equals("RST")) {
        assertThat(refused.type()).isEqualTo(RawH2.RST_STREAM);
        assertThat(java.nio.ByteBuffer.wrap(refused.payload()).getInt()).isEqualTo(1);
      } else {
        assertThat(refused.type()).isEqualTo(HEADERS);
        assertThat(refused.headers().status().toString()).isEqualTo(outcome);
      }

      h2.headers(3, RawH2.request("GET", "/y"), true);
      RawH2.Frame next = h2.await(f -> f.type() == HEADERS && f.streamId() == 3);
      assertThat(next.headers().status().toString()).isEqualTo("200");
    }
  }
}
