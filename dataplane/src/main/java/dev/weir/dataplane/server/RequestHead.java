package dev.weir.dataplane.server;

import dev.weir.dataplane.routing.HostMatcher;
import dev.weir.dataplane.routing.RequestTarget;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The request target and Host of a request head, checked as RFC 9112 §3.2 asks: a request without
 * Host on HTTP/1.1, with several, or with an invalid one is refused (400), and an absolute-form
 * target's authority replaces Host (§3.2.2). Immutable.
 *
 * @param target the parsed request target
 * @param originalHost the Host (or authority) as the client sent it
 * @param host the same, normalized for routing (lower case, no port)
 */
record RequestHead(RequestTarget target, String originalHost, String host) {

  /**
   * Checks {@code request}'s target and Host and, when they are valid, rewrites the request to
   * origin form with the authority in Host.
   *
   * @return the head, or null when the request must get 400
   */
  static RequestHead of(HttpRequest request) {
    RequestTarget target = RequestTarget.parse(request.uri());
    if (target == null) {
      return null;
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    String originalHost =
        target.authority() == null ? (hosts.isEmpty() ? null : hosts.get(0)) : target.authority();
    String host = HostMatcher.normalizeHost(originalHost);
    boolean badHost =
        hosts.size() > 1
            || (originalHost != null && (host == null || !HostSyntax.valid(originalHost)))
            || (originalHost == null && request.protocolVersion().equals(HttpVersion.HTTP_1_1));
    if (badHost) {
      return null;
    }
    if (target.authority() != null) {
      request.headers().set(HttpHeaderNames.HOST, target.authority());
    }
    request.setUri(target.originForm());
    return new RequestHead(target, originalHost, host);
  }
}
