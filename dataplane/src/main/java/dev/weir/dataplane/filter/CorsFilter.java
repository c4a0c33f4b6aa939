package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.CorsPolicy;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Applies a route's {@link CorsPolicy} (Gateway API HTTPCORSFilter). A CORS preflight (Fetch §3.2:
 * {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here
 * with 200, carrying the CORS headers only when the origin is allowed, so a browser refuses the
 * actual request otherwise. An actual request from an allowed origin is forwarded and its response
 * gets {@code Access-Control-Allow-Origin}, {@code -Expose-Headers}, {@code -Allow-Credentials} and
 * {@code Vary: Origin}. Routes without CORS cost one null check. Stateless.
 */
public final class CorsFilter implements ProxyFilter {

  /** The status of a preflight answer; any 2xx is an ok status for Fetch §4.8. */
  static final int PREFLIGHT_STATUS = 200;

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    CorsPolicy cors = route == null ? null : route.cors();
    if (cors == null) {
      return;
    }
    HttpHeaders in = request.headers();
    String origin = in.get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      return;
    }
    String requestMethod = in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (request.method().equals(HttpMethod.OPTIONS) && requestMethod != null) {
      HttpHeaders out = new DefaultHttpHeaders();
      if (cors.allows(origin)) {
        cors.preflightHeaders(
            origin, requestMethod, in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS), out);
      }
      ctx.answer(new RequestContext.Answer.Empty(PREFLIGHT_STATUS, out));
    } else if (cors.allows(origin)) {
      ctx.corsOrigin(origin);
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    String origin = ctx.corsOrigin();
    if (origin != null) {
      ctx.route().cors().responseHeaders(origin, response.headers());
    }
  }
}
