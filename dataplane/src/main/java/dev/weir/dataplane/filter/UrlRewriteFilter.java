package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.UrlRewrite;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Applies a forwarding route's URL rewrite to the request sent upstream: the hostname replaces
 * {@code Host} (X-Forwarded-Host keeps the client's, see {@link ForwardedHeadersFilter}), and the
 * path is replaced whole or by prefix ({@link dev.weir.dataplane.routing.PathRewrite}); the query
 * is kept. Stateless.
 */
public final class UrlRewriteFilter implements ProxyFilter {

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    if (ctx.route() == null) {
      return;
    }
    UrlRewrite rewrite = ctx.route().rewrite();
    if (rewrite.isEmpty()) {
      return;
    }
    if (rewrite.hostname() != null) {
      request.headers().set(HttpHeaderNames.HOST, rewrite.hostname());
    }
    if (rewrite.path() != null) {
      String path = rewrite.path().apply(ctx.route().matchedPrefix(), ctx.path());
      request.setUri(ctx.query() == null ? path : path + '?' + ctx.query());
    }
  }
}
