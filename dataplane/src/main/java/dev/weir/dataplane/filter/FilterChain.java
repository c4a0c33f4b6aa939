package dev.weir.dataplane.filter;

import dev.weir.dataplane.auth.AuthHttpClient;
import dev.weir.dataplane.observe.FilterMetrics;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs filters phase by phase: request phases in list order, response phases in reverse. The order
 * is explicit in the list given here (see {@link #builtIn}). Immutable; any thread.
 */
public final class FilterChain {

  /** {@link #onRequest} ran to its end: answered early or through every filter. */
  public static final int DONE = -1;

  private final ProxyFilter[] filters;

  /** A chain of {@code filters}, in request order. */
  public FilterChain(List<ProxyFilter> filters) {
    this.filters = filters.toArray(ProxyFilter[]::new);
  }

  /**
   * The built-in chain. Request phases run top to bottom, response phases bottom to top:
   *
   * <ol>
   *   <li>the observers (metrics, access log, tracing): first, so they see every request, and their
   *       {@code onComplete} runs after every other filter settled the outcome;
   *   <li>request id: first, so every answer below carries it;
   *   <li>security headers: early, so on the way back it runs after everything else and covers the
   *       proxy's own answers (403, 429, errors) too, and Server removal is final;
   *   <li>compression: early, so on the way back it gzips the body last, as every other filter left
   *       it (its request phase only notes whether the client accepts gzip);
   *   <li>IP access: the cheapest refusal, before anything spends work or tokens on the client;
   *   <li>local rate limit: after IP access, so refused clients do not drain buckets, and before
   *       CORS preflights and fault delays, so they count;
   *   <li>CORS: preflights are answered before routing picks a backend, and CORS headers go last
   *       onto responses;
   *   <li>JWT authentication, then external authorization: after IP access and rate limits (a
   *       refused or throttled client costs no signature check, JWKS fetch or authorization call)
   *       and after CORS, so a preflight (an OPTIONS without credentials, Fetch standard §4.8) is
   *       answered rather than refused with 401, while a 401 to an actual CORS request still gets
   *       the CORS headers the browser needs to read it; JWT before external authorization, so the
   *       service sees only authenticated requests (with claim headers set) and forged claim
   *       headers are stripped before either;
   *   <li>fault injection: before routing, so a delayed request picks its endpoint after the wait;
   *   <li>routing (direct responses, backend and endpoint choice), then session persistence (which
   *       may replace the first endpoint choice), then redirects;
   *   <li>hop by hop removal, then forwarded headers (so the X-Forwarded-* set last wins on the way
   *       up), then the route's URL rewrite;
   *   <li>the route's and backend's header modifiers: last on the way up and first on the way down,
   *       so they act on what the upstream sends and receives;
   *   <li>the route's plugin filters ({@link RoutePluginsFilter}): after every built-in request
   *       filter, so a plugin sees the request as it will go upstream, and first to see the
   *       upstream's response (after the cache);
   *   <li>the response cache ({@link ResponseCacheFilter}): last, so it stands in for the upstream.
   *       Its lookup runs after every request filter (authentication and rate limits included, so a
   *       hit is never a way around them), on the request as it would go up; on the way back it is
   *       the first to see the upstream's response and stores it as it came, uncompressed and
   *       before header modifiers, and a hit then goes through every response phase, compression
   *       included, exactly like a response from the upstream. So the cache never holds gzip bytes
   *       of its own making and needs no {@code Vary: Accept-Encoding}; an upstream's own encoded
   *       variants are kept apart by the upstream's {@code Vary}.
   * </ol>
   *
   * <p>Body phase ({@link ProxyFilter#onResponseBody}): in the same reverse order, so the cache
   * copies the upstream's bytes before compression replaces them.
   *
   * @param observers filters that only observe, in order (see {@code Telemetry#observers})
   * @param wallClock the wall clock of the response cache, in epoch milliseconds
   * @param clock the monotonic nanosecond clock of the rate limiter ({@code System::nanoTime})
   * @param authHttp the client for JWKS fetches and authorization calls
   * @param metrics where rate-limit, cache, auth and plugin outcomes are counted
   */
  public static FilterChain builtIn(
      List<ProxyFilter> observers,
      LongSupplier clock,
      LongSupplier wallClock,
      AuthHttpClient authHttp,
      FilterMetrics metrics) {
    List<ProxyFilter> chain = new ArrayList<>(observers);
    chain.addAll(
        List.of(
            new RequestIdFilter(),
            new SecurityHeadersFilter(),
            new CompressionFilter(),
            new IpAccessFilter(),
            new LocalRateLimitFilter(clock, metrics),
            new CorsFilter(),
            new JwtAuthFilter(authHttp, System::currentTimeMillis, metrics),
            new ExtAuthFilter(authHttp, metrics),
            new FaultInjectionFilter(),
            new RoutingFilter(),
            new SessionPersistenceFilter(),
            new RedirectFilter(),
            new HopByHopFilter(),
            new ForwardedHeadersFilter(),
            new UrlRewriteFilter(),
            new HeaderModifierFilter(),
            new RoutePluginsFilter(metrics),
            new ResponseCacheFilter(wallClock, metrics)));
    return new FilterChain(chain);
  }

  /** The built-in chain without observers, on the system's wall clock. */
  public static FilterChain builtIn(LongSupplier clock, AuthHttpClient authHttp) {
    return builtIn(List.of(), clock, System::currentTimeMillis, authHttp, FilterMetrics.none());
  }

  /**
   * The built-in chain after {@code observers}, on the system clocks, with its own authentication
   * HTTP client (created on first use; its threads are daemons that end with it).
   */
  public static FilterChain builtIn(List<ProxyFilter> observers) {
    return builtIn(observers, FilterMetrics.none());
  }

  /** As {@link #builtIn(List)}, counting the filters' decisions in {@code metrics}. */
  public static FilterChain builtIn(List<ProxyFilter> observers, FilterMetrics metrics) {
    return builtIn(
        observers, System::nanoTime, System::currentTimeMillis, new AuthHttpClient(), metrics);
  }

  /** {@link #builtIn(List)} without observers. */
  public static FilterChain builtIn() {
    return builtIn(List.of());
  }

  /**
   * Runs {@code onRequest} from the first filter until one answers early or defers.
   *
   * @return {@link #DONE}, or the index to resume from after a deferral
   */
  public int onRequest(RequestContext ctx, HttpRequest request) {
    return onRequest(ctx, request, 0);
  }

  /**
   * Runs {@code onRequest} from filter {@code from} until one answers early ({@link
   * RequestContext#answer}) or suspends the phase ({@link RequestContext#defer}).
   *
   * @return {@link #DONE} when the phase ended (answered or all filters ran), else the index of the
   *     filter to resume from once the deferral completes
   */
  public int onRequest(RequestContext ctx, HttpRequest request, int from) {
    for (int i = from; i < filters.length; i++) {
      filters[i].onRequest(ctx, request);
      if (ctx.earlyAnswer() != null) {
        return DONE;
      }
      if (ctx.deferred()) {
        return i + 1;
      }
    }
    return DONE;
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

  public void onUpstreamAttempt(RequestContext ctx, HttpRequest request) {
    for (ProxyFilter f : filters) {
      f.onUpstreamAttempt(ctx, request);
    }
  }

  public void onResponse(RequestContext ctx, HttpResponse response) {
    for (int i = filters.length - 1; i >= 0; i--) {
      filters[i].onResponse(ctx, response);
    }
  }

  /**
   * Runs the body phase on one response part, last filter first; call only when {@link
   * RequestContext#watchingResponseBody()}. Ownership as {@link ProxyFilter#onResponseBody}: takes
   * {@code content}, returns the part to write.
   */
  public HttpContent onResponseBody(RequestContext ctx, HttpContent content) {
    HttpContent part = content;
    for (int i = filters.length - 1; i >= 0; i--) {
      part = filters[i].onResponseBody(ctx, part);
    }
    return part;
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
