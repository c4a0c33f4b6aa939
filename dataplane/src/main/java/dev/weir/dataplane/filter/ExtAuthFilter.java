package dev.weir.dataplane.filter;

import dev.weir.dataplane.auth.AuthHttpClient;
import dev.weir.dataplane.auth.ExtAuthSettings;
import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * External authorization over HTTP for routes with {@link ExtAuthSettings}, like Envoy's HTTP
 * {@code ext_authz}: before forwarding, the request's method and path (with query) are sent to the
 * service's URL with the listed request headers ({@link ExtAuthRequests}) and no body.
 *
 * <ul>
 *   <li>a 2xx answer lets the request through, with the answer's {@code headers_to_backend} set on
 *       it (the client's own values of those headers are always removed first, so they cannot be
 *       forged);
 *   <li>any other answer is returned to the client as is: status, end-to-end headers (e.g. {@code
 *       WWW-Authenticate}, {@code Location}) and body (at most {@link #MAX_BODY} bytes), and
 *       nothing is forwarded;
 *   <li>no answer within the timeout, or no connection: {@code fail_open} lets the request through,
 *       else 503.
 * </ul>
 *
 * <p>The call runs on the JDK client's threads ({@link AuthHttpClient}) while the request phase is
 * deferred; its answer is applied on the channel's event loop. A client that leaves cancels the
 * call. Stateless; runs on the event loop.
 */
public final class ExtAuthFilter implements ProxyFilter {

  /** The largest answer body read from the service and returned to the client. */
  public static final int MAX_BODY = 64 * 1024;

  private final AuthHttpClient http;
  private final FilterMetrics metrics;

  /**
   * @param metrics where each decision is counted
   */
  public ExtAuthFilter(AuthHttpClient http, FilterMetrics metrics) {
    this.http = http;
    this.metrics = metrics;
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    ExtAuthSettings auth = route == null ? null : route.filters().extAuth();
    if (auth == null) {
      return;
    }
    for (String name : auth.headersToBackend()) {
      request.headers().remove(name);
    }
    java.net.http.HttpRequest call;
    try {
      call = ExtAuthRequests.build(auth, ctx, request);
    } catch (IllegalArgumentException e) {
      // A path the JDK's URI rejects cannot be asked about; refuse rather than forward unchecked.
      ctx.answer(new RequestContext.Answer.Status(403));
      metrics.record(route, FilterMetrics.Decision.EXT_AUTH_DENIED);
      return;
    }
    CompletableFuture<HttpResponse<byte[]>> sent = http.send(call, MAX_BODY);
    CompletableFuture<Void> decided =
        sent.copy()
            .orTimeout(auth.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .handleAsync(
                (answer, error) -> {
                  if (error != null) {
                    sent.cancel(true);
                    metrics.record(route, FilterMetrics.Decision.EXT_AUTH_ERROR);
                    if (!auth.failOpen()) {
                      ctx.answer(new RequestContext.Answer.Status(503));
                    }
                  } else {
                    metrics.record(route, apply(ctx, request, auth, answer));
                  }
                  return null;
                },
                ctx.executor());
    // The proxy cancels the deferral when the client leaves: abort the call with it.
    decided.whenComplete(
        (v, e) -> {
          if (decided.isCancelled()) {
            sent.cancel(true);
          }
        });
    ctx.defer(decided);
  }

  /** Applies the service's answer; returns the decision it made. */
  private static FilterMetrics.Decision apply(
      RequestContext ctx, HttpRequest request, ExtAuthSettings auth, HttpResponse<byte[]> answer) {
    int status = answer.statusCode();
    if (status / 100 == 2) {
      ExtAuthRequests.copyToBackend(answer, auth.headersToBackend(), request.headers());
      return FilterMetrics.Decision.EXT_AUTH_ALLOWED;
    }
    if (status < 200 || status > 599) {
      ctx.answer(new RequestContext.Answer.Status(503));
      return FilterMetrics.Decision.EXT_AUTH_ERROR;
    }
    ctx.answer(
        new RequestContext.Answer.Reply(
            status, ExtAuthRequests.denialHeaders(answer), answer.body()));
    return FilterMetrics.Decision.EXT_AUTH_DENIED;
  }
}
