package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.SecurityHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Sets a route's {@link SecurityHeaders} on every response of the route, the proxy's own (403, 429,
 * errors) included, and removes {@code Server} and {@code X-Powered-By} when asked. HSTS goes only
 * on responses to requests that came over TLS: RFC 6797 §7.2 says a host must not send it over
 * plain HTTP. Stateless.
 */
public final class SecurityHeadersFilter implements ProxyFilter {

  static final AsciiString STRICT_TRANSPORT_SECURITY =
      AsciiString.cached("strict-transport-security");
  static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
  static final AsciiString X_FRAME_OPTIONS = AsciiString.cached("x-frame-options");
  static final AsciiString REFERRER_POLICY = AsciiString.cached("referrer-policy");
  static final AsciiString X_POWERED_BY = AsciiString.cached("x-powered-by");
  private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    RouteEntry route = ctx.route();
    SecurityHeaders s = route == null ? null : route.filters().securityHeaders();
    if (s == null) {
      return;
    }
    HttpHeaders h = response.headers();
    if (s.strictTransportSecurity() != null && ctx.secure()) {
      h.set(STRICT_TRANSPORT_SECURITY, s.strictTransportSecurity());
    }
    if (s.contentTypeNosniff()) {
      h.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    }
    setIfPresent(h, X_FRAME_OPTIONS, s.frameOptions());
    setIfPresent(h, HttpHeaderNames.CONTENT_SECURITY_POLICY, s.contentSecurityPolicy());
    setIfPresent(h, REFERRER_POLICY, s.referrerPolicy());
    if (s.removeServerHeaders()) {
      h.remove(HttpHeaderNames.SERVER);
      h.remove(X_POWERED_BY);
    }
  }

  private static void setIfPresent(HttpHeaders h, AsciiString name, String value) {
    if (value != null) {
      h.set(name, value);
    }
  }
}
