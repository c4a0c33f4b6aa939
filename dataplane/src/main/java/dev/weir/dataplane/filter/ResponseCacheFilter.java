package dev.weir.dataplane.filter;

import dev.weir.dataplane.cache.CacheControl;
import dev.weir.dataplane.cache.CacheMiss;
import dev.weir.dataplane.cache.CachePolicy;
import dev.weir.dataplane.cache.CachedResponse;
import dev.weir.dataplane.cache.Freshness;
import dev.weir.dataplane.cache.ResponseStore;
import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.routing.ResponseCacheSettings;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A shared HTTP cache (RFC 9111) for routes with {@link ResponseCacheSettings}, in memory.
 *
 * <ul>
 *   <li>A fresh stored response answers a GET or HEAD from {@code onRequest}, without the backend,
 *       with {@code Age} (§5.1); a client's {@code If-None-Match} matching its ETag, or (without
 *       If-None-Match) an {@code If-Modified-Since} not before its Last-Modified, gets 304.
 *   <li>A stale one with a validator is revalidated: the request goes up with {@code If-None-Match}
 *       / {@code If-Modified-Since}, and a 304 freshens the entry (§4.3.4), which is then sent; any
 *       other answer replaces it.
 *   <li>A GET's response is stored when {@link CachePolicy#storable} allows it and its body fits
 *       {@code max_entry_bytes}; the body is copied as it streams down (the body phase).
 *   <li>A non-error response to an unsafe method (POST, PUT, DELETE, PATCH...) drops the URI's
 *       entries (§4.4).
 *   <li>Every response of a cached route carries {@code Cache-Status} (RFC 9211): {@code weir; hit;
 *       ttl=N}, {@code weir; fwd=miss}, {@code weir; fwd=stale} (with {@code fwd-status=304} when
 *       revalidated) or {@code weir; fwd=bypass} (a request with {@code no-store} or a range).
 * </ul>
 *
 * <p>Last in the chain, so it stands in for the upstream: it sees the upstream's response first on
 * the way down and stores it as it came (before header modifiers and compression), and a hit then
 * goes through every response phase like an upstream response. The key is the routed host, path and
 * query; {@code Vary} selects among variants by the request's header fields as they go up.
 *
 * <p>State: one {@link ResponseStore} per settings value (the route's name is part of it), so a new
 * snapshot with the same route and settings keeps its entries; stores unused for an hour are
 * dropped when another is created. Thread-safe: shared by all event loops.
 */
public final class ResponseCacheFilter implements ProxyFilter {

  /** RFC 9211's response field. */
  public static final AsciiString CACHE_STATUS = AsciiString.cached("cache-status");

  private static final ContextKey<CacheMiss> MISS = ContextKey.of("cache-miss");
  private static final ContextKey<String> INVALIDATE = ContextKey.of("cache-invalidate");
  private static final ContextKey<Boolean> BYPASS = ContextKey.of("cache-bypass");
  private static final ContextKey<CachedResponse> REFRESHED = ContextKey.of("cache-refreshed");
  private static final byte[] EMPTY = new byte[0];
  private static final long IDLE_STORE_MILLIS = 3_600_000;

  private final LongSupplier clock;
  private final FilterMetrics metrics;
  private final Map<ResponseCacheSettings, ResponseStore> stores = new ConcurrentHashMap<>();

  /**
   * @param clock the wall clock in epoch milliseconds ({@code System::currentTimeMillis})
   * @param metrics where each lookup's result is counted
   */
  public ResponseCacheFilter(LongSupplier clock, FilterMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    ResponseCacheSettings settings = settings(ctx);
    if (settings == null) {
      return;
    }
    HttpMethod method = request.method();
    String uri = (ctx.host() == null ? "" : ctx.host()) + ctx.path() + "?" + ctx.query();
    boolean head = method.equals(HttpMethod.HEAD);
    if (!head && !method.equals(HttpMethod.GET)) {
      if (!method.equals(HttpMethod.OPTIONS) && !method.equals(HttpMethod.TRACE)) {
        ctx.set(INVALIDATE, uri);
      }
      return;
    }
    HttpHeaders h = request.headers();
    CacheControl cc = CacheControl.of(h);
    if (cc.noStore() || h.contains(HttpHeaderNames.RANGE)) {
      ctx.set(BYPASS, true);
      metrics.record(ctx.route(), FilterMetrics.Decision.CACHE_BYPASS);
      return;
    }
    long now = clock.getAsLong();
    ResponseStore store = store(settings, now);
    CachedResponse stored = store.lookup(uri, h);
    if (stored != null && usable(stored, cc, now)) {
      ctx.upstreamResponse(true); // the stored response stands in for the upstream's
      ctx.answer(hit(stored, request, now));
      metrics.record(ctx.route(), FilterMetrics.Decision.CACHE_HIT);
      return;
    }
    if (head) {
      ctx.set(BYPASS, true); // a HEAD's response has no body to store
      metrics.record(ctx.route(), FilterMetrics.Decision.CACHE_BYPASS);
      return;
    }
    boolean conditional =
        h.contains(HttpHeaderNames.IF_NONE_MATCH) || h.contains(HttpHeaderNames.IF_MODIFIED_SINCE);
    CachedResponse stale = stored != null && stored.hasValidator() && !conditional ? stored : null;
    ctx.set(MISS, new CacheMiss(uri, store, h, now, stale));
    metrics.record(
        ctx.route(),
        stale == null ? FilterMetrics.Decision.CACHE_MISS : FilterMetrics.Decision.CACHE_STALE);
  }

  /** Fresh, and within the request's own {@code max-age} and {@code no-cache} (§5.2.1). */
  private static boolean usable(CachedResponse stored, CacheControl cc, long now) {
    return stored.fresh(now)
        && !cc.noCache()
        && (cc.maxAge() < 0 || stored.ageMillis(now) <= cc.maxAge() * 1000);
  }

  private static RequestContext.Answer hit(CachedResponse stored, HttpRequest request, long now) {
    HttpHeaders h = new DefaultHttpHeaders().add(stored.headers());
    long age = stored.ageMillis(now);
    h.set(HttpHeaderNames.AGE, Long.toString(age / 1000))
        .set(CACHE_STATUS, "weir; hit; ttl=" + (stored.lifetimeMillis() - age) / 1000)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, stored.body().length);
    String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    // RFC 9110 §13.2.2: If-None-Match, when sent, decides; If-Modified-Since only without it.
    boolean current =
        ifNoneMatch != null
            ? CachePolicy.noneMatch(ifNoneMatch, stored.etag())
            : CachePolicy.notModifiedSince(
                request.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE),
                stored.lastModified(),
                now);
    if (current) {
      return new RequestContext.Answer.Stored(304, h, EMPTY); // RFC 9110 §13.1.2, §13.1.3
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    return new RequestContext.Answer.Stored(stored.status(), h, head ? EMPTY : stored.body());
  }

  @Override
  public void onUpstreamRequest(RequestContext ctx, HttpRequest request) {
    CacheMiss miss = ctx.get(MISS);
    CachedResponse stale = miss == null ? null : miss.stale();
    if (stale != null) {
      if (stale.etag() != null) {
        request.headers().set(HttpHeaderNames.IF_NONE_MATCH, stale.etag());
      }
      if (stale.lastModified() != null) {
        request.headers().set(HttpHeaderNames.IF_MODIFIED_SINCE, stale.lastModified());
      }
    }
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    String invalidate = ctx.get(INVALIDATE);
    if (invalidate != null) {
      if (ctx.upstreamResponse() && response.status().code() < 400) {
        store(settings(ctx), clock.getAsLong()).invalidate(invalidate);
      }
      return;
    }
    if (ctx.get(BYPASS) != null) {
      response.headers().set(CACHE_STATUS, "weir; fwd=bypass");
      return;
    }
    CacheMiss miss = ctx.get(MISS);
    if (miss == null || !ctx.upstreamResponse()) {
      return;
    }
    long now = clock.getAsLong();
    long ttl = settings(ctx).defaultTtlSeconds();
    int status = response.status().code();
    if (miss.stale() != null && status == 304) {
      revalidated(ctx, miss, response, now, ttl);
      return;
    }
    HttpHeaders h = response.headers();
    CacheControl cc = CacheControl.of(h);
    long lifetime = Freshness.lifetimeMillis(status, h, cc, ttl, now);
    long length = HttpUtil.getContentLength(response, -1L);
    if (CachePolicy.storable(
            miss.request(), CacheControl.of(miss.request()), status, h, cc, lifetime)
        && length <= miss.store().maxEntryBytes()) {
      List<Map.Entry<String, String>> vary = CachePolicy.selected(h, miss.request());
      long initialAge = Freshness.initialAgeMillis(h, miss.requestTime(), now);
      miss.capture(
          new CachedResponse(
              status, CacheMiss.clean(h, now), EMPTY, vary, lifetime, initialAge, now),
          length);
      ctx.watchResponseBody();
    }
    h.set(CACHE_STATUS, miss.stale() == null ? "weir; fwd=miss" : "weir; fwd=stale");
  }

  /** A 304 to our revalidation: freshen the entry and send it in the 304's place (§4.3.4). */
  private static void revalidated(
      RequestContext ctx, CacheMiss miss, HttpResponse response, long now, long ttl) {
    CachedResponse fresh = miss.stale().refreshed(response.headers(), miss.requestTime(), now, ttl);
    miss.store().put(miss.uri(), fresh);
    response.setStatus(HttpResponseStatus.valueOf(fresh.status()));
    response
        .headers()
        .clear()
        .add(fresh.headers())
        .set(HttpHeaderNames.AGE, Long.toString(fresh.ageMillis(now) / 1000))
        .set(CACHE_STATUS, "weir; fwd=stale; fwd-status=304")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, fresh.body().length);
    ctx.set(REFRESHED, fresh);
    ctx.watchResponseBody();
  }

  @Override
  public HttpContent onResponseBody(RequestContext ctx, HttpContent content) {
    CachedResponse refreshed = ctx.get(REFRESHED);
    if (refreshed != null) {
      // The 304's (empty) body gives way to the stored one.
      HttpContent out =
          content instanceof LastHttpContent last
              ? new DefaultLastHttpContent(
                  Unpooled.wrappedBuffer(refreshed.body()), last.trailingHeaders().copy())
              : new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
      content.release();
      return out;
    }
    CacheMiss miss = ctx.get(MISS);
    if (miss != null && miss.capturing()) {
      miss.append(content);
      if (content instanceof LastHttpContent) {
        miss.finish();
      }
    }
    return content;
  }

  private static ResponseCacheSettings settings(RequestContext ctx) {
    return ctx.route() == null ? null : ctx.route().filters().cache();
  }

  private ResponseStore store(ResponseCacheSettings settings, long now) {
    ResponseStore store = stores.get(settings);
    if (store == null) {
      stores.values().removeIf(s -> now - s.lastUsed() > IDLE_STORE_MILLIS);
      store =
          stores.computeIfAbsent(settings, s -> new ResponseStore(s.maxBytes(), s.maxEntryBytes()));
    }
    store.touch(now);
    return store;
  }

  /** The store of {@code settings}, for tests; null when none was made. */
  ResponseStore storeFor(ResponseCacheSettings settings) {
    return stores.get(settings);
  }
}
