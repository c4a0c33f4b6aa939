package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.IpAccessList;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Applies a route's {@link IpAccessList} to the downstream client's address (the peer of the
 * connection, not a forwarded header): a refused client gets 403 and nothing is forwarded. Routes
 * without the rule cost one null check; matching allocates nothing. Stateless.
 */
public final class IpAccessFilter implements ProxyFilter {

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    IpAccessList access = route == null ? null : route.filters().ipAccess();
    if (access != null && !access.permits(ctx.clientIp())) {
      ctx.answer(
          new RequestContext.Answer.Error(
              ProxyError.downstream(ErrorKind.FORBIDDEN, "client IP refused by " + route.name())));
    }
  }
}
