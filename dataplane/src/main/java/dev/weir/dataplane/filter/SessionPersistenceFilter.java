package dev.weir.dataplane.filter;

import dev.weir.dataplane.lb.SessionAffinity;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Session persistence (Gateway API GEP-1619) for clusters that have it ({@link
 * UpstreamCluster#session}): a request carrying a token (cookie or header) that names one of the
 * cluster's endpoints goes to that endpoint; any other is balanced as usual, and its upstream
 * response carries the token of the endpoint that answered ({@code Set-Cookie: NAME=TOKEN; Path=/;
 * HttpOnly}, plus {@code Max-Age} when the cluster sets a lifetime, RFC 6265 §4.1; or the header).
 * A token whose endpoint left the cluster names nothing, so the client is re-balanced and gets a
 * new token.
 *
 * <p>Sits right after {@link RoutingFilter}: it needs the routed cluster in {@code onRequest}, and
 * on the first {@code selectUpstream} it replaces the balancer's choice with the session's
 * endpoint. A connect retry then leaves the routing filter's other endpoint in place. Stateless
 * (the request's token lives in the {@link RequestContext}).
 */
public final class SessionPersistenceFilter implements ProxyFilter {

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    UpstreamCluster cluster = ctx.cluster();
    SessionAffinity<UpstreamEndpoint> session = cluster == null ? null : cluster.session();
    if (session == null) {
      return;
    }
    String token =
        switch (session.carrier()) {
          case COOKIE -> RequestHashes.cookie(request.headers(), session.name());
          case HEADER -> request.headers().get(session.name());
        };
    if (token != null) {
      ctx.sessionToken(token);
      ctx.sessionEndpoint(session.endpoint(token));
    }
  }

  @Override
  public void selectUpstream(RequestContext ctx) {
    UpstreamEndpoint pinned = ctx.sessionEndpoint();
    if (pinned != null) {
      // Once: a retry after a failed connect keeps the other endpoint the routing filter chose.
      ctx.sessionEndpoint(null);
      // An unhealthy or ejected endpoint is not kept: the session moves, and its token is
      // re-issued for the routing filter's choice.
      if (ctx.cluster().health().available(pinned)) {
        ctx.endpoint(pinned);
      }
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    UpstreamCluster cluster = ctx.cluster();
    if (!ctx.upstreamResponse() || cluster == null || cluster.session() == null) {
      return;
    }
    SessionAffinity<UpstreamEndpoint> session = cluster.session();
    String token = ctx.endpoint() == null ? null : session.token(ctx.endpoint());
    if (token == null || token.equals(ctx.sessionToken())) {
      return;
    }
    switch (session.carrier()) {
      case COOKIE ->
          response
              .headers()
              .add(
                  HttpHeaderNames.SET_COOKIE,
                  session.name()
                      + "="
                      + token
                      + "; Path=/; HttpOnly"
                      + (session.ttlSeconds() > 0 ? "; Max-Age=" + session.ttlSeconds() : ""));
      case HEADER -> response.headers().set(session.name(), token);
    }
  }
}
