package dev.weir.dataplane.filter;

import com.nimbusds.jwt.SignedJWT;
import dev.weir.dataplane.auth.ClaimHeaders;
import dev.weir.dataplane.auth.JwkKeys;
import dev.weir.dataplane.auth.JwksFetcher;
import dev.weir.dataplane.auth.JwtProvider;
import dev.weir.dataplane.auth.JwtSettings;
import dev.weir.dataplane.auth.JwtVerdict;
import dev.weir.dataplane.auth.JwtVerifier;
import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.routing.RouteEntry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * JWT bearer authentication (RFC 7519 tokens in {@code Authorization: Bearer}, RFC 6750 §2.1) for
 * routes with {@link JwtSettings}:
 *
 * <ol>
 *   <li>the headers that claims fill are removed from the request first, so a client cannot forge
 *       them;
 *   <li>no bearer token: 401 with {@code WWW-Authenticate: Bearer realm="weir"} (RFC 6750 §3.1: no
 *       error code when the request lacks credentials), unless the route allows missing tokens;
 *   <li>a token is checked against each provider accepting its issuer ({@link JwtVerifier}); the
 *       first that accepts it wins and its {@code claim_to_headers} are copied onto the request;
 *   <li>else 401 with {@code error="invalid_token"} and a description naming the failed check,
 *       never the token's content. A bad token never causes a 500.
 * </ol>
 *
 * <p>Keys come from the providers' {@link dev.weir.dataplane.auth.JwksCache}: the first request of
 * a remote JWKS, and a token whose {@code kid} is unknown (key rotation), wait for a fetch through
 * {@link RequestContext#defer}. When no keys can be fetched the answer is 401 {@code invalid_token}
 * "signing keys unavailable", as Envoy's {@code jwt_authn} does ("Jwks remote fetch is failed"):
 * the proxy cannot authenticate the request, and RFC 6750 defines no server-error challenge.
 * Verified tokens are reused from the route's {@link dev.weir.dataplane.auth.VerifiedTokens}.
 *
 * <p>Stateless itself (the caches are per route and thread-safe); runs on the event loop.
 */
public final class JwtAuthFilter implements ProxyFilter {

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final String KEYS_UNAVAILABLE = "signing keys unavailable";

  private final JwksFetcher fetcher;
  private final LongSupplier epochMillis;
  private final FilterMetrics metrics;

  /**
   * @param fetcher fetches remote JWKS documents without blocking
   * @param epochMillis the wall clock for {@code exp} and {@code nbf}
   * @param metrics where each decision is counted ({@code error}: no signing keys to check with)
   */
  public JwtAuthFilter(JwksFetcher fetcher, LongSupplier epochMillis, FilterMetrics metrics) {
    this.fetcher = fetcher;
    this.epochMillis = epochMillis;
    this.metrics = metrics;
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    RouteEntry route = ctx.route();
    JwtSettings jwt = route == null ? null : route.filters().jwt();
    if (jwt == null) {
      return;
    }
    HttpHeaders headers = request.headers();
    for (String name : jwt.claimHeaders()) {
      headers.remove(name);
    }
    String token = BearerToken.from(headers);
    if (token == null) {
      if (!jwt.allowMissing()) {
        ctx.answer(BearerToken.missing());
      }
      metrics.record(
          route,
          jwt.allowMissing()
              ? FilterMetrics.Decision.JWT_ALLOWED
              : FilterMetrics.Decision.JWT_DENIED);
      return;
    }
    long now = nowSeconds();
    JwtVerdict.Valid cached = jwt.verified().get(token, now);
    if (cached != null) {
      ClaimHeaders.copy(cached.claims(), cached.provider().claimToHeaders(), headers);
      metrics.record(route, FilterMetrics.Decision.JWT_ALLOWED);
      return;
    }
    SignedJWT parsed;
    String issuer;
    try {
      parsed = SignedJWT.parse(token);
      issuer = parsed.getJWTClaimsSet().getIssuer();
    } catch (ParseException | RuntimeException e) {
      ctx.answer(BearerToken.invalid("malformed token"));
      metrics.record(route, FilterMetrics.Decision.JWT_DENIED);
      return;
    }
    List<JwtProvider> candidates = new ArrayList<>(jwt.providers().size());
    List<CompletableFuture<JwkKeys>> loads = new ArrayList<>();
    for (JwtProvider p : jwt.providers()) {
      if (p.acceptsIssuer(issuer)) {
        candidates.add(p);
        if (p.keys().current(fetcher) == null) {
          loads.add(p.keys().load(fetcher));
        }
      }
    }
    if (candidates.isEmpty()) {
      ctx.answer(BearerToken.invalid("issuer not accepted"));
      metrics.record(route, FilterMetrics.Decision.JWT_DENIED);
      return;
    }
    Attempt attempt = new Attempt(ctx, route, headers, jwt, token, parsed, candidates);
    CompletionStage<Void> wait =
        loads.isEmpty() ? attempt.decide(true) : attempt.after(loads, true);
    if (wait != null) {
      ctx.defer(wait);
    }
  }

  private long nowSeconds() {
    return Math.floorDiv(epochMillis.getAsLong(), 1000);
  }

  /** One token's verification, perhaps resumed after fetches. Used on the event loop only. */
  private final class Attempt {
    private final RequestContext ctx;
    private final RouteEntry route;
    private final HttpHeaders headers;
    private final JwtSettings jwt;
    private final String token;
    private final SignedJWT parsed;
    private final List<JwtProvider> candidates;

    Attempt(
        RequestContext ctx,
        RouteEntry route,
        HttpHeaders headers,
        JwtSettings jwt,
        String token,
        SignedJWT parsed,
        List<JwtProvider> candidates) {
      this.ctx = ctx;
      this.route = route;
      this.headers = headers;
      this.jwt = jwt;
      this.token = token;
      this.parsed = parsed;
      this.candidates = candidates;
    }

    /** Waits for {@code fetches} (failed or not), then decides on the event loop. */
    CompletionStage<Void> after(List<CompletableFuture<JwkKeys>> fetches, boolean mayRefetch) {
      return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
          .handleAsync((v, e) -> decide(mayRefetch), ctx.executor())
          .thenCompose(next -> next == null ? DONE : next);
    }

    /**
     * Verifies against the candidates' current keys and answers, or returns the stage of a refetch
     * for an unknown key id (null when decided).
     */
    CompletionStage<Void> decide(boolean mayRefetch) {
      long now = nowSeconds();
      String reason = KEYS_UNAVAILABLE;
      List<CompletableFuture<JwkKeys>> refetches = new ArrayList<>();
      for (JwtProvider p : candidates) {
        JwkKeys keys = p.keys().current(fetcher);
        JwtVerdict verdict =
            keys == null
                ? new JwtVerdict.Invalid(reason)
                : JwtVerifier.verify(parsed, p, keys, now);
        switch (verdict) {
          case JwtVerdict.Valid valid -> {
            jwt.verified().put(token, valid, now);
            ClaimHeaders.copy(valid.claims(), p.claimToHeaders(), headers);
            metrics.record(route, FilterMetrics.Decision.JWT_ALLOWED);
            return null;
          }
          case JwtVerdict.Invalid invalid -> reason = invalid.description();
          case JwtVerdict.UnknownKey unknown -> {
            reason = "unknown key id";
            CompletableFuture<JwkKeys> refetch =
                mayRefetch ? p.keys().refetchForUnknownKid(fetcher) : null;
            if (refetch != null) {
              refetches.add(refetch);
            }
          }
        }
      }
      if (!refetches.isEmpty()) {
        return after(refetches, false);
      }
      ctx.answer(BearerToken.invalid(reason));
      // Identity, not equals: only the proxy's own "no keys" reason is an error, not a token's.
      metrics.record(
          route,
          reason == KEYS_UNAVAILABLE
              ? FilterMetrics.Decision.JWT_ERROR
              : FilterMetrics.Decision.JWT_DENIED);
      return null;
    }
  }
}
