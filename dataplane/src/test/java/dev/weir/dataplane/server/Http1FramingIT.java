package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite for RFC 9112 message framing and field syntax, over raw sockets: one case
 * per rule, each asserting the proxy's answer and what reached the backend.
 */
class Http1FramingIT {

  private RecordingBackend backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = new RecordingBackend(false);
    proxy = new ProxyFixture();
    port = proxy.forwardAll(backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  private static final String H = "POST /ok HTTP/1.1\r\nHost: a\r\n";
  private static final String G = "GET /ok HTTP/1.1\r\nHost: a\r\n";

  /** Requests refused at the head: 400, connection closed, and not one byte sent upstream. */
  static Stream<Arguments> rejectedHeads() {
    return Stream.of(
        // RFC 9112 §6.1/§6.3: Transfer-Encoding with Content-Length is request smuggling's root.
        rule("TE with CL", H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        rule("CL with TE", H + "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n"),
        // §6.3: differing Content-Length values; a "5, 5" list or a repeated field is refused too.
        rule("CL differs", H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        rule("CL list", H + "Content-Length: 5, 5\r\n\r\nhello"),
        rule("CL repeated", H + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
        rule("CL signed", H + "Content-Length: +5\r\n\r\nhello"),
        rule("CL negative", H + "Content-Length: -1\r\n\r\n"),
        rule("CL hex", H + "Content-Length: 0x5\r\n\r\nhello"),
        // §6.3: a request whose final transfer coding is not chunked cannot be framed.
        rule("TE xchunked", H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        rule("TE chunked, identity", H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        rule("TE identity", H + "Transfer-Encoding: identity\r\n\r\nhello"),
        rule("TE gzip only", H + "Transfer-Encoding: gzip\r\n\r\nhello"),
        rule(
            "TE split, last not chunked",
            H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
        rule("TE with VT", H + "Transfer-Encoding: chunked\u000b\r\n\r\n0\r\n\r\n"),
        rule("TE space before colon", H + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        // §2.2: a bare CR is refused; so is a bare LF (our choice; see README "Hostile input").
        rule("bare CR in request line", "GET /ok HTTP/1.1\rHost: a\r\n\r\n"),
        rule("bare CR in value", G + "X-A: a\rb\r\n\r\n"),
        rule("bare LF line ends", "GET /ok HTTP/1.1\nHost: a\n\n"),
        rule("bare LF in headers", G + "X-A: b\n\r\n"),
        // §5.1 and RFC 9110 §5.5: no CTLs in names or values, no whitespace before the colon.
        rule("NUL in value", G + "X-A: a\u0000b\r\n\r\n"),
        rule("CTL in value", G + "X-A: a\u0001b\r\n\r\n"),
        rule("DEL in value", G + "X-A: a\u007fb\r\n\r\n"),
        rule("CTL in name", G + "X\u0001A: b\r\n\r\n"),
        rule("space before colon", G + "X-A : b\r\n\r\n"),
        rule("tab before colon", G + "X-A\t: b\r\n\r\n"),
        rule("empty name", G + ": b\r\n\r\n"),
        rule("no colon", G + "X-A b\r\n\r\n"),
        // §5.2: obs-fold is refused rather than replaced.
        rule("obs-fold SP", G + "X-A: a\r\n b\r\n\r\n"),
        rule("obs-fold HTAB", G + "X-A: a\r\n\tb\r\n\r\n"),
        rule("obs-fold first line", "GET /ok HTTP/1.1\r\n Host: a\r\n\r\n"),
        // §3: the request line is method SP request-target SP HTTP-version, nothing else.
        rule("target with space", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("target not origin-form", "GET ok HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("target with CTL", "GET /a\u0001 HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("target with bad escape", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("double SP", "GET  /ok HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("bad method", "G(T /ok HTTP/1.1\r\nHost: a\r\n\r\n"),
        rule("bad version", "GET /ok HTTP/1.1x\r\nHost: a\r\n\r\n"),
        rule("no version", "GET /ok\r\nHost: a\r\n\r\n"),
        // §3.2: a 1.1 request needs exactly one Host.
        rule("Host missing", "GET /ok HTTP/1.1\r\n\r\n"),
        rule("Host twice", G + "Host: b\r\n\r\n"),
        rule("Host invalid", "GET /ok HTTP/1.1\r\nHost: a b\r\n\r\n"));
  }

  private static Arguments rule(String name, String request) {
    return Arguments.of(name, request);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedHeads")
  void hostileHeadIs400AndNothingReachesTheBackend(String name, String request) throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(request);
      RawHttp.Response r = c.read();
      assertThat(r).as(name).isNotNull();
      assertThat(r.status()).as(name).isEqualTo(400);
      assertThat(r.header("connection")).as(name).isEqualTo("close");
      assertThat(c.closedByPeer()).as(name).isTrue();
    }
    assertThat(backend.received()).as(name).isEmpty();
  }

  /** Chunked bodies whose framing breaks after the head went upstream. */
  static Stream<Arguments> badChunks() {
    String te = H + "Transfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        rule("non-hex size", te + "zz\r\nhello\r\n0\r\n\r\n"),
        rule("negative size", te + "-5\r\nhello\r\n0\r\n\r\n"),
        rule("0x size", te + "0x5\r\nhello\r\n0\r\n\r\n"),
        rule("overflowing size", te + "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        rule("size with space", te + "5 5\r\nhello\r\n0\r\n\r\n"),
        rule("bare LF after size", te + "5\nhello\r\n0\r\n\r\n"),
        rule("data longer than size", te + "3\r\nhello\r\n0\r\n\r\n"),
        rule("extension with CTL", te + "5;a=\u0001\r\nhello\r\n0\r\n\r\n"),
        rule("huge extension", te + "5;" + "a".repeat(20_000) + "\r\nhello\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badChunks")
  void badChunkIs400AndTheUpstreamRequestIsCutShort(String name, String request) throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(request);
      RawHttp.Response r = c.read();
      assertThat(r).as(name).isNotNull();
      assertThat(r.status()).as(name).isEqualTo(400);
      assertThat(c.closedByPeer()).as(name).isTrue();
    }
    // The head may have gone upstream; the body never ends there, and that connection is closed.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(backend.closedByProxy.get() >= backend.requests.get())
                    .as(name)
                    .isTrue());
    assertThat(backend.completed.get()).as(name).isZero();
    assertThat(backend.received()).as(name).doesNotContain("hello");
  }

  @Test
  void wellFormedVariantsAreForwardedNormalized() throws Exception {
    // RFC 9110 §5.6.3: OWS around a value (SP or HTAB) is not part of it; codings are
    // case-insensitive (§7.3). Each body reaches the backend re-framed by the proxy.
    for (String te : List.of("chunked ", "\tchunked", "CHUNKED", " chunked\t")) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send(H + "Transfer-Encoding:" + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).as(te).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
      }
    }
    assertThat(backend.completed.get()).isEqualTo(4);
    assertThat(backend.received()).contains("hello").doesNotContain("\t").doesNotContain("CHUNKED");
  }

  @Test
  void chunkExtensionsAreDroppedOnTheWayUp() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(H + "Transfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
    assertThat(backend.received()).contains("hello").doesNotContain("name=value");
  }
}
