package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Tells the upstream who the client is: appends the client IP to {@code X-Forwarded-For}, and sets
 * {@code X-Forwarded-Proto} ({@code http} or {@code https}) and {@code X-Forwarded-Host} (the Host
 * the client sent). {@code Host} itself is left as the client sent it. Stateless.
 */
public final class ForwardedHeadersFilter implements ProxyFilter {

  static final String X_FORWARDED_FOR = "x-forwarded-for";
  static final String X_FORWARDED_PROTO = "x-forwarded-proto";
  static final String X_FORWARDED_HOST = "x-forwarded-host";

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    HttpHeaders headers = request.headers();
    // Several X-Forwarded-For fields are one comma-separated list (RFC 9110 §5.3); fold them.
    var prior = headers.getAll(X_FORWARDED_FOR);
    String xff =
        prior.isEmpty() ? ctx.clientIp() : String.join(", ", prior) + ", " + ctx.clientIp();
    headers.set(X_FORWARDED_FOR, xff);
    headers.set(X_FORWARDED_PROTO, ctx.secure() ? "https" : "http");
    if (ctx.originalHost() != null) {
      headers.set(X_FORWARDED_HOST, ctx.originalHost());
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
  }
}
