package dev.weir.dataplane.filter;

import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.routing.RateLimitSettings;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Applies a route's {@link RateLimitSettings}: each request takes a token from its key's bucket
 * (route, client IP or header value); without one it is answered 429 (RFC 6585 §4) with {@code
 * Retry-After} (RFC 9110 §10.2.3, seconds rounded up). Every response of a limited route carries
 * {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers).
 *
 * <p>State: the buckets live here, in one {@link RateLimiter} per settings value, and settings
 * include the route's name; a new snapshot with the same route and the same limit therefore finds
 * the same buckets, and a changed limit starts fresh. Limiters whose buckets are all full are
 * dropped when another is created, which is how removed routes' state goes away.
 *
 * <p>Thread-safe: shared by all event loops (the filter chain is process-wide).
 */
public final class LocalRateLimitFilter implements ProxyFilter {

  static final AsciiString RATELIMIT = AsciiString.cached("ratelimit");
  static final AsciiString RATELIMIT_POLICY = AsciiString.cached("ratelimit-policy");
  // RFC 9110 §5.5: field values cannot hold NUL, so no header value collides with "absent".
  private static final String ABSENT = "\0";
  private static final String POLICY_NAME = "\"local\"";

  private final LongSupplier clock;
  private final FilterMetrics metrics;
  private final Map<RateLimitSettings, RateLimiter> limiters = new ConcurrentHashMap<>();

  /**
   * @param clock a monotonic nanosecond clock ({@code System::nanoTime})
   * @param metrics where each decision is counted
   */
  public LocalRateLimitFilter(LongSupplier clock, FilterMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    RateLimitSettings settings = route == null ? null : route.filters().rateLimit();
    if (settings == null) {
      return;
    }
    String key =
        switch (settings.key()) {
          case RateLimitSettings.Key.Route r -> "";
          case RateLimitSettings.Key.ClientIp c -> ctx.clientIp();
          case RateLimitSettings.Key.Header h -> {
            String value = request.headers().get(h.name());
            yield value == null ? ABSENT : value;
          }
        };
    RateLimitOutcome outcome = limiter(settings).take(key);
    ctx.rateLimit(outcome);
    metrics.record(
        route,
        outcome.allowed()
            ? FilterMetrics.Decision.RATE_LIMIT_ALLOWED
            : FilterMetrics.Decision.RATE_LIMIT_LIMITED);
    if (!outcome.allowed()) {
      ctx.answer(
          new RequestContext.Answer.Error(
              ProxyError.downstream(ErrorKind.RATE_LIMITED, "rate limited by " + route.name())));
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    RateLimitOutcome o = ctx.rateLimit();
    if (o == null) {
      return;
    }
    HttpHeaders h = response.headers();
    h.set(RATELIMIT_POLICY, POLICY_NAME + ";q=" + o.quota() + ";w=" + o.windowSeconds());
    h.set(RATELIMIT, POLICY_NAME + ";r=" + o.remaining() + ";t=" + o.resetSeconds());
    if (!o.allowed()) {
      h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(o.resetSeconds()));
    }
  }

  private RateLimiter limiter(RateLimitSettings settings) {
    RateLimiter limiter = limiters.get(settings);
    if (limiter != null) {
      return limiter;
    }
    limiters.values().removeIf(RateLimiter::idle);
    return limiters.computeIfAbsent(settings, s -> new RateLimiter(s, clock));
  }

  /** The number of limiters kept, for tests. */
  int limiterCount() {
    return limiters.size();
  }
}
