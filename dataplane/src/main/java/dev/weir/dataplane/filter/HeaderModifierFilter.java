package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Applies header modifiers (Gateway API RequestHeaderModifier and ResponseHeaderModifier): the
 * route's, then the chosen backend's, each as set, add, remove. Request modifiers change the head
 * sent upstream. Response modifiers change only responses that came from the upstream; responses
 * the proxy makes itself (errors, direct responses, redirects) are left as they are, since no
 * backend was involved. Stateless.
 */
public final class HeaderModifierFilter implements ProxyFilter {

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    if (route == null) {
      return;
    }
    route.requestHeaders().apply(request.headers());
    Backend backend = ctx.backend();
    if (backend != null) {
      backend.requestHeaders().apply(request.headers());
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    RouteEntry route = ctx.route();
    if (route == null || !ctx.upstreamResponse()) {
      return;
    }
    route.responseHeaders().apply(response.headers());
    Backend backend = ctx.backend();
    if (backend != null) {
      backend.responseHeaders().apply(response.headers());
    }
  }
}
