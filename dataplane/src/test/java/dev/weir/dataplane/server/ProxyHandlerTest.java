package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.config.ConfigSummary;
import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.routing.HeaderModifier;
import dev.weir.dataplane.routing.HostMatcher;
import dev.weir.dataplane.routing.RetryPolicy;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteConditions;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteTableMatcher;
import dev.weir.dataplane.routing.RouteTimeouts;
import dev.weir.dataplane.routing.UrlRewrite;
import dev.weir.dataplane.routing.VirtualHostRoutes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The downstream handler alone: requests that never reach an upstream. */
class ProxyHandlerTest {

  private final EmbeddedChannel channel = newChannel();

  private static EmbeddedChannel newChannel() {
    HostMatcher.Builder<VirtualHostRoutes> hosts = HostMatcher.builder();
    hosts.add(
        "shop.example.com",
        VirtualHostRoutes.builder()
            .add(
                new RouteEntry(
                    "closed",
                    "Ingress default/shop",
                    new RouteAction.Direct(503, "closed\n"),
                    0,
                    RouteEntry.PathKind.PREFIX,
                    "/closed",
                    RouteConditions.NONE,
                    HeaderModifier.NONE,
                    HeaderModifier.NONE,
                    UrlRewrite.NONE,
                    RouteTimeouts.NONE,
                    List.of(),
                    null,
                    RetryPolicy.NONE,
                    0))
            .build());
    ListenerRuntime listener =
        new ListenerRuntime("web", 80, false, new RouteTableMatcher("rt", hosts.build()), null);
    RuntimeConfig config =
        new RuntimeConfig(
            "v1",
            1,
            Map.of(80, listener),
            Map.of(),
            Map.of(),
            Set.of(),
            new ConfigSummary("v1", 1, List.of(), List.of(), List.of(), List.of()),
            Map.of());
    ProxySettings settings = ProxySettings.defaults();
    return new EmbeddedChannel(
        new ProxyRequestDecoder(settings),
        new HttpResponseEncoder(),
        new ProxyHandler(80, listener, () -> config, settings, null, FilterChain.builtIn()));
  }

  @AfterEach
  void noLeaks() {
    channel.finishAndReleaseAll();
  }

  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return out.toString();
  }

  @Test
  void unknownHostIs404WithRequestIdInBodyAndHeader() {
    String response = exchange("GET /x HTTP/1.1\r\nHost: other.org\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 404 Not Found\r\n");
    String id = response.replaceAll("(?s).*x-request-id: ([0-9a-f]{32}).*", "$1");
    assertThat(id).hasSize(32);
    assertThat(response).endsWith("404 Not Found (request id " + id + ")\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void directResponseKeepsTheConnection() {
    String response = exchange("GET /closed/now HTTP/1.1\r\nHost: SHOP.example.com\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n").endsWith("closed\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void bothTransferEncodingAndContentLengthIs400AndCloses() {
    String response =
        exchange(
            "POST /closed HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("connection: close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void requestWithBodyAnsweredEarlyClosesInsteadOfDraining() {
    String response =
        exchange("POST /nope HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(response).startsWith("HTTP/1.1 404 ").contains("connection: close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void http10RequestWithoutHostIsServed() {
    String response = exchange("GET /closed HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    // No Host: only the catch-all could match, and there is none.
    assertThat(response).startsWith("HTTP/1.1 404 ").contains("connection: keep-alive");
  }

  @Test
  void requestLineTooLongIs414() {
    String response = exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 414 ");
    assertThat(channel.isOpen()).isFalse();
  }
}
