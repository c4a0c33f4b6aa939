package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.CONTINUATION;
import static dev.weir.dataplane.server.RawH2.END_HEADERS;
import static dev.weir.dataplane.server.RawH2.END_STREAM;
import static dev.weir.dataplane.server.RawH2.GOAWAY;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static dev.weir.dataplane.server.RawH2.RST_STREAM;
import static dev.weir.dataplane.server.RawH2.SETTINGS;
import static dev.weir.dataplane.server.RawH2.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.DataplaneConfig;
import dev.weir.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client HTTP/2 connection's limits and its defences against hostile frame sequences, with a
 * raw-frame client ({@link RawH2}) on a cleartext listener: each case checks the proxy's answer,
 * what reached the backend, and that the proxy still serves a normal request afterwards. The limits
 * come from the {@code --h2-*} command-line flags, parsed by {@link DataplaneConfig}.
 */
class ProxyHttp2LimitsIT {

  private static final int PROTOCOL_ERROR = 0x1;
  private static final int REFUSED_STREAM = 0x7;
  private static final int CANCEL = 0x8;
  private static final int ENHANCE_YOUR_CALM = 0xb;

  private static final int MAX_RESETS = 50;

  /** Set through the command line, so that the flags are what reaches the codec. */
  private static final Http2Limits LIMITS =
      limitsFromFlags(
          "--h2-max-concurrent-streams=3",
          "--h2-max-header-list-size=4096",
          "--h2-initial-window-size=32768",
          "--h2-max-resets-per-window=" + MAX_RESETS);

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("h2-backend");
    proxy = new ProxyFixture(LIMITS);
    port = proxy.forwardAll(backend.port());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void clientReceivesTheConfiguredSettingsAndConnectionWindow() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      RawH2.Frame settings = h2.await(f -> f.type() == SETTINGS && (f.flags() & 0x1) == 0);
      RawH2.Frame window = h2.await(f -> f.type() == WINDOW_UPDATE && f.streamId() == 0);

      // RFC 9113 §6.5.2: 0x3 MAX_CONCURRENT_STREAMS, 0x4 INITIAL_WINDOW_SIZE, 0x6 header list.
      assertThat(settings.settings())
          .containsEntry(0x3, 3L)
          .containsEntry(0x4, 32L * 1024)
          .containsEntry(0x6, 4096L);
      assertThat(window.windowIncrement()).isEqualTo(1024 * 1024 - 65_535);
    }
  }

  @Test
  void streamPastTheConcurrencyLimitIsRefused() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      // Three uploads whose bodies have not ended keep three streams open.
      for (int id = 1; id <= 5; id += 2) {
        h2.headers(id, RawH2.request("POST", "/upload/" + id), false);
        h2.data(id, "x".getBytes(StandardCharsets.UTF_8), false);
      }
      h2.headers(7, RawH2.request("GET", "/fourth"), true);

      RawH2.Frame reset = h2.await(f -> f.type() == RST_STREAM && f.streamId() == 7);
      assertThat(reset.errorCode()).isEqualTo(REFUSED_STREAM);
      // The three open streams still work: end one and read its echo.
      h2.data(1, "body".getBytes(StandardCharsets.UTF_8), true);
      assertThat(new String(h2.body(1), StandardCharsets.UTF_8))
          .contains("uri=/upload/1")
          .endsWith("xbody");
    }
    assertThat(backend.requests()).isEqualTo(3);
  }

  @Test
  void resetsUpToTheLimitLeaveTheConnectionServing() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      int next = openAndReset(h2, MAX_RESETS);

      h2.headers(next, RawH2.request("GET", "/after"), true);
      RawH2.Frame answer =
          h2.await(f -> f.type() == GOAWAY || (f.type() == HEADERS && f.streamId() == next));
      assertThat(answer).isNotNull();
      assertThat(answer.type()).isEqualTo(HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
    }
  }

  @Test
  void oneResetPastTheLimitGetsEnhanceYourCalmAndTheConnectionCloses() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      // CVE-2023-44487: open a stream and cancel it at once, one time more than the flag allows
      // (the default, 200, would let all of them through).
      try {
        openAndReset(h2, MAX_RESETS + 1);
      } catch (IOException e) {
        // The proxy closed the connection while we were still resetting.
      }

      RawH2.Frame goAway = h2.await(f -> f.type() == GOAWAY);
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(h2.closedByServer()).isTrue();
    }
    assertThat(backend.requests()).isLessThanOrEqualTo(MAX_RESETS + 1);
    assertServesNormalRequest();
  }

  @Test
  void continuationFloodEndsTheConnectionBeforeReachingTheBackend() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      byte[] start = h2.encode(1, RawH2.request("GET", "/flood"));
      h2.frame(HEADERS, END_STREAM, 1, start);
      // Endless CONTINUATION frames without END_HEADERS, 1 KiB of a header value each.
      byte[] chunk = new byte[1024];
      Arrays.fill(chunk, (byte) 'a');
      int sent = 0;
      try {
        for (; sent < 100_000; sent++) {
          h2.frame(CONTINUATION, 0, 1, chunk);
        }
      } catch (IOException e) {
        // Closed by the proxy mid-flood, as expected.
      }

      RawH2.Frame goAway = h2.await(f -> f.type() == GOAWAY);
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(PROTOCOL_ERROR);
      assertThat(h2.closedByServer()).isTrue();
      // Cut off after about the header list limit (4 KiB), not 100 MiB later.
      assertThat(sent).isLessThan(100_000);
    }
    assertThat(backend.requests()).isZero();
    assertServesNormalRequest();
  }

  @Test
  void hpackBombIsCutOffAtTheHeaderListLimit() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      // RFC 7541 §6.2.1: one 4,000-byte field added to the dynamic table (literal, incremental
      // indexing, new name), then referenced by index 62 (§6.1, one byte each) 1,000 times:
      // about 4 KiB on the wire, 4 MB once decoded.
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.writeBytes(h2.encode(1, RawH2.request("GET", "/bomb")));
      block.write(0x40);
      block.write(6);
      block.writeBytes("x-bomb".getBytes(StandardCharsets.US_ASCII));
      // 4000 as an HPACK integer with a 7-bit prefix (§5.1): 127, then 3873 in 7-bit groups.
      block.write(0x7f);
      block.write((4000 - 127) % 128 | 0x80);
      block.write((4000 - 127) / 128);
      byte[] value = new byte[4000];
      Arrays.fill(value, (byte) 'b');
      block.writeBytes(value);
      for (int i = 0; i < 1_000; i++) {
        block.write(0x80 | 62);
      }
      h2.frame(HEADERS, END_HEADERS | END_STREAM, 1, block.toByteArray());

      // The decoder stops keeping fields once past the limit (memory stays bounded) but reads the
      // block to its end, keeping the connection's HPACK state: the stream is answered 431.
      RawH2.Frame answer =
          h2.await(f -> f.type() == GOAWAY || f.type() == HEADERS || f.type() == RST_STREAM);
      assertThat(answer).isNotNull();
      assertThat(answer.type()).isEqualTo(HEADERS);
      assertThat(answer.streamId()).isEqualTo(1);
      assertThat(answer.headers().status().toString()).isEqualTo("431");
    }
    assertThat(backend.requests()).isZero();
    assertServesNormalRequest();
  }

  @Test
  void headerListJustOverTheLimitIsAnswered431() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/big").add("x-big", "c".repeat(4200)), true);

      RawH2.Frame answer = h2.await(f -> f.streamId() == 1 && f.type() == HEADERS);
      assertThat(answer).isNotNull();
      assertThat(answer.headers().status().toString()).isEqualTo("431");
      // The connection stays usable for the next stream.
      h2.headers(3, RawH2.request("GET", "/after"), true);
      RawH2.Frame ok = h2.await(f -> f.streamId() == 3 && f.type() == HEADERS);
      assertThat(ok.headers().status().toString()).isEqualTo("200");
    }
    assertThat(backend.requests()).isEqualTo(1);
  }

  /** Opens {@code count} streams, each cancelled at once; returns the next free stream id. */
  private static int openAndReset(RawH2 h2, int count) throws IOException {
    int id = 1;
    for (int i = 0; i < count; i++, id += 2) {
      h2.headers(id, RawH2.request("GET", "/slow/2000"), true);
      h2.rstStream(id, CANCEL);
    }
    return id;
  }

  private static Http2Limits limitsFromFlags(String... flags) {
    DataplaneConfig.Parsed parsed =
        DataplaneConfig.parse(List.of(flags), Map.of("HOSTNAME", "limits-it"));
    return ((DataplaneConfig.Run) parsed).config().http2();
  }

  /**
   * A fresh connection's GET still reaches the backend (its echo proves it; a count would race with
   * the attack's stragglers still on their way to the backend).
   */
  private void assertServesNormalRequest() throws IOException {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/after"), true);
      RawH2.Frame head = h2.await(f -> f.streamId() == 1 && f.type() == HEADERS);
      assertThat(head).isNotNull();
      assertThat(head.headers().status().toString()).isEqualTo("200");
      assertThat(new String(h2.body(1), StandardCharsets.UTF_8)).contains("uri=/after");
    }
  }
}
