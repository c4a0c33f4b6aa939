package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes hop-by-hop fields in both directions (RFC 9110 §7.6.1): {@code Connection} and every
 * field it names, plus {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code
 * Transfer-Encoding}, {@code Upgrade} and {@code Trailer} ({@code TE: trailers} excepted, which
 * gRPC needs end to end), and the {@code x-http2-*} fields Netty adds when translating HTTP/2. The
 * proxy re-frames bodies itself, so the removed {@code Transfer-Encoding} is set again by the
 * exchange where needed.
 *
 * <p>One exception (RFC 9110 §7.8, RFC 6455 §4): for a WebSocket opening handshake the proxy
 * tunnels ({@link RequestContext#webSocketUpgrade()}), the request goes upstream with {@code
 * Connection: Upgrade} and {@code Upgrade: websocket}, and a {@code 101} answer goes down with
 * them. Every other hop-by-hop field is still removed. Stateless.
 */
public final class HopByHopFilter implements ProxyFilter {

  // Netty deprecates its constants for these two legacy fields; they still must be removed.
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  // Netty's HTTP/2-to-HTTP/1 translation adds x-http2-* fields; they describe the other hop.
  private static final AsciiString[] HTTP2_EXTENSIONS =
      Stream.of(HttpConversionUtil.ExtensionHeaderNames.values())
          .map(HttpConversionUtil.ExtensionHeaderNames::text)
          .toArray(AsciiString[]::new);

  /**
   * Every name this filter removes, {@code Connection} included (the fields it lists go only when
   * it is there). Most messages carry none, so one pass over their names spares the removals, each
   * of which hashes its name.
   */
  private static final AsciiString[] REMOVED = removedNames();

  private static AsciiString[] removedNames() {
    return Stream.concat(
            Stream.of(
                HttpHeaderNames.CONNECTION,
                KEEP_ALIVE,
                PROXY_CONNECTION,
                HttpHeaderNames.TE,
                HttpHeaderNames.TRANSFER_ENCODING,
                HttpHeaderNames.UPGRADE,
                HttpHeaderNames.TRAILER),
            Stream.of(HTTP2_EXTENSIONS))
        .toArray(AsciiString[]::new);
  }

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    strip(request.headers());
    if (ctx.webSocketUpgrade()) {
      keepWebSocketUpgrade(request.headers());
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    strip(response.headers());
    if (ctx.webSocketUpgrade()
        && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      keepWebSocketUpgrade(response.headers());
    }
  }

  /**
   * Whether {@code request} asks to switch to WebSocket (RFC 6455 §4.1): an {@code Upgrade} field
   * with the {@code websocket} token and a {@code Connection} field with the {@code upgrade} token,
   * both case-insensitive.
   */
  public static boolean isWebSocketUpgrade(HttpRequest request) {
    return hasToken(request.headers(), HttpHeaderNames.CONNECTION, "upgrade")
        && hasToken(request.headers(), HttpHeaderNames.UPGRADE, "websocket");
  }

  private static boolean hasToken(HttpHeaders headers, CharSequence name, String token) {
    for (String value : headers.getAll(name)) {
      for (String t : value.split(",")) {
        if (t.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  // RFC 9110 §7.8: the upgrade is asked of (and granted by) the next hop, so these two are sent
  // again, in their canonical form, on the hop that carries the handshake.
  private static void keepWebSocketUpgrade(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
  }

  /** Removes the hop-by-hop fields of {@code headers} in place. */
  public static void strip(HttpHeaders headers) {
    if (!hasRemovedName(headers)) {
      return;
    }
    List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
    for (String value : connection) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    // RFC 9113 §8.2.2: "TE: trailers" is the one TE an HTTP/2 request may carry, and gRPC needs it.
    boolean teTrailers = headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    headers
        .remove(HttpHeaderNames.CONNECTION)
        .remove(KEEP_ALIVE)
        .remove(PROXY_CONNECTION)
        .remove(HttpHeaderNames.TE)
        .remove(HttpHeaderNames.TRANSFER_ENCODING)
        .remove(HttpHeaderNames.UPGRADE)
        .remove(HttpHeaderNames.TRAILER);
    if (teTrailers) {
      headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    for (AsciiString name : HTTP2_EXTENSIONS) {
      headers.remove(name);
    }
  }

  private static boolean hasRemovedName(HttpHeaders headers) {
    if (headers.isEmpty()) {
      return false;
    }
    var it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      CharSequence name = it.next().getKey();
      for (AsciiString removed : REMOVED) {
        if (removed.length() == name.length() && removed.contentEqualsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }
}
