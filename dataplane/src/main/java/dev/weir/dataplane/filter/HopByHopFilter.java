package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/**
 * Removes hop-by-hop fields in both directions (RFC 9110 §7.6.1): {@code Connection} and every
 * field it names, plus {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code
 * Transfer-Encoding}, {@code Upgrade} and {@code Trailer} ({@code TE: trailers} excepted, which
 * gRPC needs end to end), and the {@code x-http2-*} fields Netty adds when translating HTTP/2. The
 * proxy re-frames bodies itself, so the removed {@code Transfer-Encoding} is set again by the
 * exchange where needed. Stateless.
 */
public final class HopByHopFilter implements ProxyFilter {

  // Netty deprecates its constants for these two legacy fields; they still must be removed.
  private static final String KEEP_ALIVE = "keep-alive";
  private static final String PROXY_CONNECTION = "proxy-connection";

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    strip(request.headers());
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    strip(response.headers());
  }

  /** Removes the hop-by-hop fields of {@code headers} in place. */
  public static void strip(HttpHeaders headers) {
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
    // Netty's HTTP/2-to-HTTP/1 translation adds x-http2-* fields; they describe the other hop.
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      headers.remove(name.text());
    }
  }
}
