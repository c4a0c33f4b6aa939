package dev.weir.dataplane.filter;

import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Acts on the matched route: no route answers 404, a direct response answers itself; a forward
 * picks one of the route's backends by weight (once per exchange, so a retry stays on that
 * backend), and a backend cluster without endpoints answers 503; otherwise the request's hash key
 * for the cluster's balancer is read once ({@link RequestContext#pick}), and {@link
 * #selectUpstream} asks the balancer, and on a retry asks for a different endpoint. An error
 * backend's share is answered with its status (through {@link ErrorResponses}, with the request
 * id). Redirects are left to {@link RedirectFilter}. The balancer's pick is then checked against
 * the cluster's health: an unavailable endpoint is skipped for another, unless none is available
 * (panic mode, see {@link dev.weir.dataplane.health.ClusterHealth#availableOr}). Stateless.
 */
public final class RoutingFilter implements ProxyFilter {

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    if (ctx.route() == null) {
      ctx.answer(
          new RequestContext.Answer.Error(
              ProxyError.downstream(ErrorKind.NO_ROUTE, "no route for " + ctx.host())));
      return;
    }
    switch (ctx.route().action()) {
      case RouteAction.Direct d ->
          ctx.answer(new RequestContext.Answer.Direct(d.status(), d.body()));
      case RouteAction.Forward f -> {
        Backend backend = f.backends().pick();
        ctx.backend(backend);
        if (backend.errorStatus() != 0) {
          ctx.answer(new RequestContext.Answer.Status(backend.errorStatus()));
        } else if (backend.cluster().endpoints().isEmpty()) {
          ctx.answer(
              new RequestContext.Answer.Error(
                  ProxyError.upstream(
                      ErrorKind.NO_ENDPOINTS,
                      true,
                      "no endpoints in " + backend.cluster().name())));
        } else {
          ctx.pick(
              RequestHashes.pick(backend.cluster().hashKey(), request.headers(), ctx.clientIp()));
        }
      }
      case RouteAction.Redirect r -> {}
    }
  }

  @Override
  public void selectUpstream(RequestContext ctx) {
    UpstreamCluster cluster = ctx.cluster();
    if (cluster == null) {
      return;
    }
    UpstreamEndpoint previous = ctx.endpoint();
    PickRequest pick = ctx.pick();
    UpstreamEndpoint choice =
        previous == null
            ? cluster.balancer().select(pick)
            : cluster.balancer().selectOther(previous, pick);
    ctx.endpoint(cluster.health().availableOr(choice, cluster.balancer(), pick));
  }
}
