package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;

/**
 * Runs filters phase by phase: request phases in list order, response phases in reverse. The order
 * is explicit in the list given here (see {@link #builtIn}). Immutable; any thread.
 */
public final class FilterChain {

  private final ProxyFilter[] filters;

  /** A chain of {@code filters}, in request order. */
  public FilterChain(List<ProxyFilter> filters) {
    this.filters = filters.toArray(ProxyFilter[]::new);
  }

  /**
   * The built-in chain: request id, then CORS (preflights are answered before routing picks a
   * backend, and CORS headers go last onto responses), then routing (direct responses, backend and
   * endpoint choice), then session persistence (which may replace the first endpoint choice), then
   * redirects, then hop by hop removal, then forwarded headers (so the X-Forwarded-* set last wins
   * on the way up), then the route's URL rewrite, then the route's and backend's header modifiers
   * (last on the way up and first on the way down, so they act on what the upstream sends and
   * receives).
   */
  public static FilterChain builtIn() {
    return new FilterChain(
        List.of(
            new RequestIdFilter(),
            new CorsFilter(),
            new RoutingFilter(),
            new SessionPersistenceFilter(),
            new RedirectFilter(),
            new HopByHopFilter(),
            new ForwardedHeadersFilter(),
            new UrlRewriteFilter(),
            new HeaderModifierFilter()));
  }

  /** Runs {@code onRequest} until one filter answers early. */
  public void onRequest(RequestContext ctx, HttpRequest request) {
    for (ProxyFilter f : filters) {
      f.onRequest(ctx, request);
      if (ctx.earlyAnswer() != null) {
        return;
      }
    }
  }

  public void selectUpstream(RequestContext ctx) {
    for (ProxyFilter f : filters) {
      f.selectUpstream(ctx);
    }
  }

  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    for (ProxyFilter f : filters) {
      f.onUpstreamRequest(ctx, request);
    }
  }

  public void onResponse(RequestContext ctx, HttpResponse response) {
    for (int i = filters.length - 1; i >= 0; i--) {
      filters[i].onResponse(ctx, response);
    }
  }

  public void onError(RequestContext ctx, ProxyError error) {
    for (int i = filters.length - 1; i >= 0; i--) {
      filters[i].onError(ctx, error);
    }
  }

  public void onComplete(RequestContext ctx) {
    for (int i = filters.length - 1; i >= 0; i--) {
      filters[i].onComplete(ctx);
    }
  }
}
