package dev.weir.controller.compile;

import dev.weir.api.config.v1.Compression;
import dev.weir.api.config.v1.ExternalAuth;
import dev.weir.api.config.v1.FaultInjection;
import dev.weir.api.config.v1.IpAccess;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.api.config.v1.JwtProvider;
import dev.weir.api.config.v1.LocalRateLimit;
import dev.weir.api.config.v1.PluginFilter;
import dev.weir.api.config.v1.ResponseCache;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.api.config.v1.SecurityHeaders;
import dev.weir.controller.model.RouteFilters.RateKey;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compiles a route's {@link dev.weir.controller.model.RouteFilters} into {@code
 * weir.config.v1.RouteFilters} (Route field 18): one protocol message per non-null block; nothing
 * when no block is set and there is no plugin. Stateless.
 */
final class RouteFiltersCompiler {

  /** How long a data plane keeps a JWKS fetched from a URL before fetching it again. */
  static final int JWKS_CACHE_SECONDS = 300;

  private RouteFiltersCompiler() {}

  /** The protocol filters of {@code f}, or empty when it turns nothing on. */
  static Optional<RouteFilters> compile(dev.weir.controller.model.RouteFilters f) {
    if (f.equals(dev.weir.controller.model.RouteFilters.NONE)) {
      return Optional.empty();
    }
    RouteFilters.Builder b = RouteFilters.newBuilder();
    if (f.rateLimit() != null) {
      b.setRateLimit(rateLimit(f.rateLimit()));
    }
    if (f.ipAccess() != null) {
      b.setIpAccess(
          IpAccess.newBuilder().addAllAllow(f.ipAccess().allow()).addAllDeny(f.ipAccess().deny()));
    }
    if (f.securityHeaders() != null) {
      var h = f.securityHeaders();
      b.setSecurityHeaders(
          SecurityHeaders.newBuilder()
              .setStrictTransportSecurity(h.strictTransportSecurity())
              .setContentTypeNosniff(h.contentTypeNosniff())
              .setFrameOptions(h.frameOptions())
              .setContentSecurityPolicy(h.contentSecurityPolicy())
              .setRemoveServerHeaders(h.removeServerHeaders()));
    }
    if (f.compression() != null && f.compression().enabled()) {
      b.setCompression(Compression.newBuilder().setMinBytes(f.compression().minBytes()));
    }
    if (f.fault() != null) {
      b.setFault(
          FaultInjection.newBuilder()
              .setDelayMs(millis(f.fault().delay()))
              .setDelayPerMillion(f.fault().delayPerMillion())
              .setAbortStatus(f.fault().abortStatus())
              .setAbortPerMillion(f.fault().abortPerMillion()));
    }
    if (f.jwt() != null) {
      JwtAuthentication.Builder jwt = JwtAuthentication.newBuilder();
      f.jwt().providers().forEach(p -> jwt.addProviders(provider(p)));
      b.setJwt(jwt);
    }
    if (f.extAuth() != null) {
      b.setExtAuth(
          ExternalAuth.newBuilder()
              .setUrl(f.extAuth().url())
              .setTimeoutMs(millis(f.extAuth().timeout()))
              .addAllHeadersToBackend(f.extAuth().headersToBackend()));
    }
    if (f.cache() != null) {
      b.setCache(
          ResponseCache.newBuilder()
              .setMaxBytes(f.cache().maxBytes())
              .setMaxEntryBytes(f.cache().maxEntryBytes())
              .setDefaultTtlSeconds((int) f.cache().defaultTtl().toSeconds()));
    }
    for (var p : f.plugins()) {
      b.addPlugins(
          PluginFilter.newBuilder()
              .setName(p.name())
              .setConfigJson(p.configJson())
              .setSource(p.source()));
    }
    return Optional.of(b.build());
  }

  private static LocalRateLimit rateLimit(dev.weir.controller.model.RouteFilters.RateLimit r) {
    LocalRateLimit.Builder b =
        LocalRateLimit.newBuilder()
            .setRequests(r.requests())
            .setFillIntervalMs(millis(r.fillInterval()))
            .setBurst(r.burst());
    switch (r.key()) {
      case RateKey.Route k -> b.setRoute(true);
      case RateKey.ClientIp k -> b.setClientIp(true);
      case RateKey.Header h -> b.setHeader(h.name());
    }
    return b.build();
  }

  private static JwtProvider provider(dev.weir.controller.model.RouteFilters.JwtProvider p) {
    JwtProvider.Builder b =
        JwtProvider.newBuilder()
            .setName(p.name())
            .setIssuer(p.issuer())
            .addAllAudiences(p.audiences())
            .putAllClaimToHeaders(new TreeMap<>(p.claimToHeaders()));
    if (!p.jwksUri().isEmpty()) {
      b.setJwksUri(p.jwksUri()).setJwksCacheSeconds(JWKS_CACHE_SECONDS);
    } else {
      b.setJwks(p.jwks());
    }
    return b.build();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
