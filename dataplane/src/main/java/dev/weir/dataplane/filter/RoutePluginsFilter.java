package dev.weir.dataplane.filter;

import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the route's plugin filters ({@link FilterPlugin}), in the route's order for request phases
 * and in reverse for response phases, as one step of the built-in chain. It is last in the chain,
 * so plugins see the request after Weir's own filters and the upstream's response before them.
 *
 * <p>A plugin that throws fails only its own request: an exception from {@code onRequest} answers
 * 500; one from a later phase is dropped and the exchange goes on without that plugin's effect.
 * Every failure is counted ({@link #failures()}) and logged at most once per plugin class, so a
 * broken plugin under load cannot flood the log.
 *
 * <p>A plugin may wait with {@link RequestContext#defer}: the chain only knows this filter, so this
 * filter defers the chain on a stage of its own that completes once the rest of the route's plugins
 * have run. A deferral the proxy cancels (the client left) stops the remaining plugins.
 *
 * <p>Called on the downstream event loop; the counter is thread-safe.
 */
public final class RoutePluginsFilter implements ProxyFilter {

  private static final Logger log = LoggerFactory.getLogger(RoutePluginsFilter.class);

  private final LongAdder failures = new LongAdder();
  private final Set<Class<?>> loggedClasses = ConcurrentHashMap.newKeySet();
  private final FilterMetrics metrics;

  /**
   * @param metrics where each failure is counted by route and plugin
   */
  public RoutePluginsFilter(FilterMetrics metrics) {
    this.metrics = metrics;
  }

  /** Plugin exceptions so far, in every phase; for metrics. */
  public long failures() {
    return failures.sum();
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    runFrom(ctx, request, 0);
  }

  private void runFrom(RequestContext ctx, HttpRequest request, int from) {
    List<ProxyFilter> plugins = plugins(ctx);
    for (int i = from; i < plugins.size(); i++) {
      ProxyFilter plugin = plugins.get(i);
      try {
        plugin.onRequest(ctx, request);
      } catch (RuntimeException e) {
        failed(ctx, plugin, "onRequest", e);
        ctx.takeDeferral();
        ctx.answer(
            new RequestContext.Answer.Error(
                new ProxyError(
                    ErrorKind.INTERNAL,
                    ProxyError.Source.INTERNAL,
                    false,
                    "filter plugin " + plugin.getClass().getName() + " failed: " + e)));
        return;
      }
      if (ctx.earlyAnswer() != null) {
        return;
      }
      if (ctx.deferred() && i + 1 < plugins.size()) {
        ctx.defer(resumeAfter(ctx, request, ctx.takeDeferral(), i + 1));
        return;
      }
    }
  }

  /**
   * A stage that completes when {@code waited} has and the plugins from {@code next} on have run
   * (themselves perhaps waiting); cancelled by the proxy when the client leaves.
   */
  private CompletableFuture<Void> resumeAfter(
      RequestContext ctx, HttpRequest request, CompletionStage<?> waited, int next) {
    CompletableFuture<Void> rest = new CompletableFuture<>();
    waited.whenComplete(
        (value, error) ->
            ctx.executor()
                .execute(
                    () -> {
                      if (rest.isDone()) {
                        return; // cancelled: the exchange is gone
                      }
                      if (error != null) {
                        rest.completeExceptionally(error);
                        return;
                      }
                      runFrom(ctx, request, next);
                      CompletionStage<?> again = ctx.takeDeferral();
                      if (again == null) {
                        rest.complete(null);
                      } else {
                        again.whenComplete(
                            (v, e) -> {
                              if (e != null) {
                                rest.completeExceptionally(e);
                              } else {
                                rest.complete(null);
                              }
                            });
                      }
                    }));
    return rest;
  }

  @Override
  public void selectUpstream(RequestContext ctx) {
    for (ProxyFilter plugin : plugins(ctx)) {
      try {
        plugin.selectUpstream(ctx);
      } catch (RuntimeException e) {
        failed(ctx, plugin, "selectUpstream", e);
      }
    }
  }

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    for (ProxyFilter plugin : plugins(ctx)) {
      try {
        plugin.onUpstreamRequest(ctx, request);
      } catch (RuntimeException e) {
        failed(ctx, plugin, "onUpstreamRequest", e);
      }
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    List<ProxyFilter> plugins = plugins(ctx);
    for (int i = plugins.size() - 1; i >= 0; i--) {
      try {
        plugins.get(i).onResponse(ctx, response);
      } catch (RuntimeException e) {
        failed(ctx, plugins.get(i), "onResponse", e);
      }
    }
  }

  @Override
  public void onError(RequestContext ctx, ProxyError error) {
    List<ProxyFilter> plugins = plugins(ctx);
    for (int i = plugins.size() - 1; i >= 0; i--) {
      try {
        plugins.get(i).onError(ctx, error);
      } catch (RuntimeException e) {
        failed(ctx, plugins.get(i), "onError", e);
      }
    }
  }

  @Override
  public void onComplete(RequestContext ctx) {
    List<ProxyFilter> plugins = plugins(ctx);
    for (int i = plugins.size() - 1; i >= 0; i--) {
      try {
        plugins.get(i).onComplete(ctx);
      } catch (RuntimeException e) {
        failed(ctx, plugins.get(i), "onComplete", e);
      }
    }
  }

  private static List<ProxyFilter> plugins(RequestContext ctx) {
    RouteEntry route = ctx.route();
    return route == null ? List.of() : route.filters().plugins();
  }

  private void failed(RequestContext ctx, ProxyFilter plugin, String phase, RuntimeException e) {
    failures.increment();
    metrics.pluginFailed(ctx.route(), plugin);
    if (loggedClasses.add(plugin.getClass())) {
      log.warn(
          "filter plugin {} threw in {}; its request goes on or is answered 500 (logged once per"
              + " plugin class)",
          plugin.getClass().getName(),
          phase,
          e);
    }
  }
}
