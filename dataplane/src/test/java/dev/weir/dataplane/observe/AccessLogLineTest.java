package dev.weir.dataplane.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * The access-log line builder on values no HTTP parser of ours lets through (quotes, backslashes,
 * control characters, non-ASCII, a lone surrogate), which the escaper must still keep inside one
 * valid JSON line; and its time and duration formats.
 */
class AccessLogLineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSTILE = "/a\"b\\c\n\r\t\u0000\u001f\u007f é\u2028\ud800\"}{";

  @Test
  void hostileStringsStayInsideOneValidJsonLine() throws Exception {
    RequestContext ctx =
        new RequestContext(
            "::1",
            false,
            "h\"o\\st\n",
            "host",
            HOSTILE,
            "token=secret",
            null,
            80,
            new ExchangeStats("l\"1", "HTTP/1.1", "GE\"T"));
    ctx.requestId("id\u0001");
    ctx.stats().traceId("t\\1");
    ctx.stats().attemptStarted(ctx.startNanos() + 1000, new UpstreamEndpoint("fe80::1", 8080));
    ctx.error(ProxyError.upstream(ErrorKind.UPSTREAM_TIMEOUT, true, "x"));
    StringBuilder out = new StringBuilder();

    AccessLogLine.json(out, ctx, ctx.startNanos() + 1_500_000, 1_700_000_000_000L);

    String line = out.toString();
    assertThat(line).doesNotContain("\n").doesNotContain("\r");
    assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    JsonNode node = JSON.readTree(line);
    assertThat(node.get("path").asText()).isEqualTo(HOSTILE);
    assertThat(node.get("authority").asText()).isEqualTo("h\"o\\st\n");
    assertThat(node.get("method").asText()).isEqualTo("GE\"T");
    assertThat(node.get("request_id").asText()).isEqualTo("id\u0001");
    assertThat(node.get("trace_id").asText()).isEqualTo("t\\1");
    assertThat(node.get("listener").asText()).isEqualTo("l\"1");
    assertThat(node.get("endpoint").asText()).isEqualTo("[fe80::1]:8080");
    assertThat(node.get("error").asText()).isEqualTo("UPSTREAM_TIMEOUT");
    assertThat(node.get("duration_ms").asDouble()).isEqualTo(1.5);
    assertThat(node.get("status").asInt()).isZero();
    // No route, backend, upstream time or first byte: left out. The query never appears.
    assertThat(node.has("route")).isFalse();
    assertThat(node.has("backend")).isFalse();
    assertThat(node.has("upstream_ms")).isFalse();
    assertThat(node.has("ttfb_ms")).isFalse();
    assertThat(line).doesNotContain("secret");
  }

  @Test
  void textLineKeepsHostileStringsOnOneLineAndTokensUnsplit() {
    RequestContext ctx =
        new RequestContext(
            "10.0.0.7",
            false,
            "shop",
            "shop",
            "/a\"b\nc",
            null,
            null,
            80,
            new ExchangeStats("my listener", "HTTP/2", "GET"));
    StringBuilder out = new StringBuilder();

    AccessLogLine.text(out, ctx, ctx.startNanos() + 2_000_000, 1_700_000_000_000L);

    assertThat(out.toString())
        .startsWith(
            "10.0.0.7 - - [2023-11-14T22:13:19.998Z] \"GET /a\\\"b\\nc HTTP/2\" 0 0 \"shop\"")
        .contains(" route=- backend=- endpoint=- duration_ms=2.000 upstream_ms=- ttfb_ms=-")
        .contains(" listener=my\\u0020listener trace_id=-")
        .doesNotContain("\n");
  }

  @Test
  void timestampsAreRfc3339UtcWithMillis() {
    DateTimeFormatter iso =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    for (long millis :
        new long[] {
          0L, 951_782_400_000L, 1_709_164_800_123L, 4_107_542_399_999L, 1_700_000_000_000L
        }) {
      StringBuilder out = new StringBuilder();
      LogText.timestamp(out, millis);
      assertThat(out.toString()).isEqualTo(iso.format(Instant.ofEpochMilli(millis)));
    }
  }

  @Test
  void durationsAreMillisecondsWithMicrosecondDecimals() {
    assertThat(millis(0)).isEqualTo("0.000");
    assertThat(millis(999)).isEqualTo("0.000");
    assertThat(millis(1_234_567)).isEqualTo("1.234");
    assertThat(millis(12_050_000_000L)).isEqualTo("12050.000");
    assertThat(millis(40_000)).isEqualTo("0.040");
  }

  private static String millis(long nanos) {
    StringBuilder out = new StringBuilder();
    LogText.millis(out, nanos);
    return out.toString();
  }
}
