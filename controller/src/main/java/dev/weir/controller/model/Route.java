package dev.weir.controller.model;

import dev.weir.controller.translate.ObjectRef;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One route inside a virtual host: its match conditions (all must hold), what it does, and the
 * changes it makes on the way.
 *
 * @param name unique within its virtual host, stable across rebuilds
 * @param match the path match
 * @param headers header conditions, names lower case
 * @param queryParams query parameter conditions
 * @param method an HTTP method, or "" for any
 * @param action what to do with a matching request
 * @param requestHeaders applied to the request before it is forwarded
 * @param responseHeaders applied to the response on its way back
 * @param rewrite applied to the forwarded request
 * @param timeouts the route's timeouts
 * @param mirrors copies of forwarded requests, in filter order
 * @param cors the CORS policy, {@link Cors#NONE} for none
 * @param retry retries of failed upstream attempts, {@link Retry#NONE} for none
 * @param source the object the route came from
 * @param maxRequestBodyBytes the largest request body accepted, 0 for the data plane's default (as
 *     Gateway API routes have)
 * @param filters the data-plane filters (TrafficPolicy, FilterExtension), {@link RouteFilters#NONE}
 *     for none
 */
public record Route(
    String name,
    PathMatch match,
    List<ValueMatch> headers,
    List<ValueMatch> queryParams,
    String method,
    Action action,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders,
    UrlRewrite rewrite,
    Timeouts timeouts,
    List<Mirror> mirrors,
    Cors cors,
    Retry retry,
    ObjectRef source,
    long maxRequestBodyBytes,
    RouteFilters filters) {
  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    headers = List.copyOf(headers);
    queryParams = List.copyOf(queryParams);
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    Objects.requireNonNull(rewrite, "rewrite");
    Objects.requireNonNull(timeouts, "timeouts");
    mirrors = List.copyOf(mirrors);
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(source, "source");
    if (maxRequestBodyBytes < 0) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be >= 0");
    }
    Objects.requireNonNull(filters, "filters");
  }

  /** A route without data-plane filters. */
  public Route(
      String name,
      PathMatch match,
      List<ValueMatch> headers,
      List<ValueMatch> queryParams,
      String method,
      Action action,
      HeaderModifier requestHeaders,
      HeaderModifier responseHeaders,
      UrlRewrite rewrite,
      Timeouts timeouts,
      List<Mirror> mirrors,
      Cors cors,
      Retry retry,
      ObjectRef source,
      long maxRequestBodyBytes) {
    this(
        name,
        match,
        headers,
        queryParams,
        method,
        action,
        requestHeaders,
        responseHeaders,
        rewrite,
        timeouts,
        mirrors,
        cors,
        retry,
        source,
        maxRequestBodyBytes,
        RouteFilters.NONE);
  }

  /** A path-only route without modifiers, as Ingresses produce. */
  public Route(
      String name, PathMatch match, Action action, ObjectRef source, long maxRequestBodyBytes) {
    this(
        name,
        match,
        List.of(),
        List.of(),
        "",
        action,
        HeaderModifier.NONE,
        HeaderModifier.NONE,
        UrlRewrite.NONE,
        Timeouts.NONE,
        List.of(),
        Cors.NONE,
        Retry.NONE,
        source,
        maxRequestBodyBytes);
  }

  /**
   * This route with every cluster it names (forward backends and mirrors) passed through {@code
   * rename}; error backends and other actions are kept.
   */
  public Route withClusters(UnaryOperator<String> rename) {
    Action renamed =
        action instanceof Action.Forward f
            ? new Action.Forward(
                f.backends().stream()
                    .map(
                        b ->
                            b.isError()
                                ? b
                                : new WeightedBackend(
                                    rename.apply(b.cluster()),
                                    b.weight(),
                                    b.requestHeaders(),
                                    b.responseHeaders(),
                                    0))
                    .toList())
            : action;
    List<Mirror> renamedMirrors =
        mirrors.stream()
            .map(m -> new Mirror(rename.apply(m.cluster()), m.numerator(), m.denominator()))
            .toList();
    return new Route(
        name,
        match,
        headers,
        queryParams,
        method,
        renamed,
        requestHeaders,
        responseHeaders,
        rewrite,
        timeouts,
        renamedMirrors,
        cors,
        retry,
        source,
        maxRequestBodyBytes,
        filters);
  }

  /**
   * This route with TrafficPolicy settings applied.
   *
   * @param filters replaces the route's filters
   * @param action replaces the action
   * @param maxRequestBodyBytes replaces the body limit
   */
  public Route withTraffic(RouteFilters filters, Action action, long maxRequestBodyBytes) {
    return new Route(
        name,
        match,
        headers,
        queryParams,
        method,
        action,
        requestHeaders,
        responseHeaders,
        rewrite,
        timeouts,
        mirrors,
        cors,
        retry,
        source,
        maxRequestBodyBytes,
        filters);
  }
}
