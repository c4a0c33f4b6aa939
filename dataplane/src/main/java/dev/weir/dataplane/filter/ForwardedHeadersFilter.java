package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * Tells the upstream who the client is: appends the client IP to {@code X-Forwarded-For}, and sets
 * {@code X-Forwarded-Proto} ({@code http} or {@code https}) and {@code X-Forwarded-Host} (the Host
 * the client sent). {@code Host} itself is left as the client sent it. Stateless.
 */
public final class ForwardedHeadersFilter implements ProxyFilter {

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    HttpHeaders headers = request.headers();
    // Several X-Forwarded-For fields are one comma-separated list (RFC 9110 §5.3); fold them.
    String xff =
        headers.contains(X_FORWARDED_FOR)
            ? String.join(", ", headers.getAll(X_FORWARDED_FOR)) + ", " + ctx.clientIp()
            : ctx.clientIp();
    headers.set(X_FORWARDED_FOR, xff);
    headers.set(X_FORWARDED_PROTO, ctx.secure() ? HTTPS : HTTP);
    if (ctx.originalHost() != null) {
      headers.set(X_FORWARDED_HOST, ctx.originalHost());
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
  }
}
