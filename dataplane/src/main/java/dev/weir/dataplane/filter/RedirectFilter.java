package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.RouteAction;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Answers requests of redirect routes (Gateway API RequestRedirect) with the route's status and a
 * {@code Location} built by {@link dev.weir.dataplane.routing.RedirectTarget#location}; the
 * response has an empty body and passes the response filters like any other. Stateless.
 */
public final class RedirectFilter implements ProxyFilter {

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    if (ctx.route() != null && ctx.route().action() instanceof RouteAction.Redirect r) {
      String location =
          r.target()
              .location(
                  ctx.secure(),
                  ctx.host(),
                  ctx.listenerPort(),
                  ctx.route().matchedPrefix(),
                  ctx.path(),
                  ctx.query());
      ctx.answer(new RequestContext.Answer.Redirect(r.target().status(), location));
    }
  }
}
