package dev.weir.controller.translate;

import dev.weir.controller.crd.ExtAuthSpec;
import dev.weir.controller.crd.JwtSpec;
import dev.weir.controller.crd.SecurityHeadersSpec;
import dev.weir.controller.crd.TrafficPolicySpec;
import dev.weir.controller.model.Action;
import dev.weir.controller.model.RouteFilters;
import dev.weir.controller.model.RouteFilters.RateKey;
import dev.weir.controller.translate.BackendPolicyValidator.InvalidPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns a validated TrafficPolicy spec ({@link TrafficPolicyValidator}) into {@link
 * TrafficSettings}, in the units of the snapshot protocol: a rate unit becomes a fill interval,
 * percentages become shares per million, durations milliseconds, an HSTS block its header value
 * (RFC 6797 §6.1), and a JWKS Secret or ConfigMap its inline document. {@code cache.maxEntries} has
 * no protocol field: it bounds the cache's total bytes at {@code maxEntries × maxEntryBytes} (1 MiB
 * per entry when unset). Stateless.
 */
final class TrafficPolicySettings {

  /** The CRD's defaults, which are also the protocol's when unset. */
  private static final long DEFAULT_ENTRY_BYTES = 1 << 20;

  private static final Duration DEFAULT_EXT_AUTH_TIMEOUT = Duration.ofSeconds(1);
  private static final int MILLION = 1_000_000;

  private TrafficPolicySettings() {}

  /**
   * @param spec a spec that passed {@link TrafficPolicyValidator#check}
   * @param namespace the policy's namespace, where JWKS Secrets and ConfigMaps are looked up
   * @throws InvalidPolicy when a JWKS Secret or ConfigMap is missing or not a JWKS
   */
  static TrafficSettings of(TrafficPolicySpec spec, String namespace, JwksSources jwks)
      throws InvalidPolicy {
    RouteFilters filters =
        new RouteFilters(
            spec.rateLimit == null ? null : rateLimit(spec.rateLimit),
            spec.ipAccess == null
                ? null
                : new RouteFilters.IpAccess(
                    Objects.requireNonNullElse(spec.ipAccess.allow, List.of()),
                    Objects.requireNonNullElse(spec.ipAccess.deny, List.of())),
            spec.securityHeaders == null ? null : securityHeaders(spec.securityHeaders),
            spec.compression == null
                ? null
                : new RouteFilters.Compression(
                    !Boolean.FALSE.equals(spec.compression.gzip),
                    Objects.requireNonNullElse(spec.compression.minSize, 0)),
            spec.faultInjection == null ? null : fault(spec.faultInjection),
            spec.jwt == null ? null : jwt(spec.jwt, namespace, jwks),
            spec.extAuth == null ? null : extAuth(spec.extAuth.http),
            spec.cache == null ? null : cache(spec.cache),
            List.of());
    return new TrafficSettings(
        filters,
        spec.requestBodyLimit,
        spec.directResponse == null
            ? null
            : new Action.DirectResponse(
                spec.directResponse.status,
                Objects.requireNonNullElse(spec.directResponse.body, "")));
  }

  private static RouteFilters.RateLimit rateLimit(TrafficPolicySpec.RateLimit r) {
    Duration interval =
        switch (r.unit) {
          case Second -> Duration.ofSeconds(1);
          case Minute -> Duration.ofMinutes(1);
          case Hour -> Duration.ofHours(1);
        };
    RateKey key =
        switch (Objects.requireNonNullElse(r.key, TrafficPolicySpec.RateKey.Route)) {
          case Route -> new RateKey.Route();
          case ClientIP -> new RateKey.ClientIp();
          case Header -> new RateKey.Header(r.header.toLowerCase(Locale.ROOT));
        };
    return new RouteFilters.RateLimit(
        r.requests, interval, Objects.requireNonNullElse(r.burst, 0), key);
  }

  private static RouteFilters.SecurityHeaders securityHeaders(SecurityHeadersSpec s) {
    String hsts = "";
    if (s.hsts != null) {
      // RFC 6797 §6.1: max-age is required, includeSubDomains optional; preload is the
      // browsers' preload-list convention.
      hsts =
          "max-age="
              + s.hsts.maxAge
              + (Boolean.TRUE.equals(s.hsts.includeSubDomains) ? "; includeSubDomains" : "")
              + (Boolean.TRUE.equals(s.hsts.preload) ? "; preload" : "");
    }
    return new RouteFilters.SecurityHeaders(
        hsts,
        Boolean.TRUE.equals(s.contentTypeNosniff),
        s.frameOptions == null ? "" : s.frameOptions.name(),
        Objects.requireNonNullElse(s.contentSecurityPolicy, ""),
        Boolean.TRUE.equals(s.removeServerHeader));
  }

  private static RouteFilters.Fault fault(TrafficPolicySpec.FaultInjection f) {
    return new RouteFilters.Fault(
        f.delay == null ? Duration.ZERO : duration(f.delay.duration),
        f.delay == null ? 0 : perMillion(f.delay.percentage),
        f.abort == null ? 0 : f.abort.status,
        f.abort == null ? 0 : perMillion(f.abort.percentage));
  }

  /** A percentage (unset: 100) as a share per million. */
  private static int perMillion(Integer percentage) {
    return Objects.requireNonNullElse(percentage, 100) * (MILLION / 100);
  }

  private static RouteFilters.Jwt jwt(JwtSpec jwt, String namespace, JwksSources jwks)
      throws InvalidPolicy {
    List<RouteFilters.JwtProvider> providers = new ArrayList<>();
    for (JwtSpec.Provider p : jwt.providers) {
      boolean uri = p.jwks.uri != null && !p.jwks.uri.isEmpty();
      TreeMap<String, String> claims = new TreeMap<>();
      for (JwtSpec.ClaimToHeader c :
          Objects.requireNonNullElse(p.claimToHeaders, List.<JwtSpec.ClaimToHeader>of())) {
        claims.put(c.claim, c.header.toLowerCase(Locale.ROOT));
      }
      providers.add(
          new RouteFilters.JwtProvider(
              p.name,
              p.issuer,
              Objects.requireNonNullElse(p.audiences, List.of()),
              uri ? p.jwks.uri : "",
              uri ? "" : jwks.inline(namespace, p.name, p.jwks),
              claims));
    }
    return new RouteFilters.Jwt(providers);
  }

  private static RouteFilters.ExtAuth extAuth(ExtAuthSpec.Http http) {
    return new RouteFilters.ExtAuth(
        http.url,
        http.timeout == null ? DEFAULT_EXT_AUTH_TIMEOUT : duration(http.timeout),
        Objects.requireNonNullElse(http.headersToBackend, List.<String>of()).stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .toList());
  }

  private static RouteFilters.Cache cache(TrafficPolicySpec.Cache c) {
    long entry = Objects.requireNonNullElse(c.maxEntryBytes, DEFAULT_ENTRY_BYTES);
    long total =
        c.maxEntries == null
            ? 0
            : entry > Long.MAX_VALUE / c.maxEntries ? Long.MAX_VALUE : c.maxEntries * entry;
    return new RouteFilters.Cache(
        total,
        Objects.requireNonNullElse(c.maxEntryBytes, 0L),
        c.defaultTtl == null ? Duration.ZERO : duration(c.defaultTtl));
  }

  /** A duration the validator accepted. */
  private static Duration duration(String text) {
    return Durations.parse(text).orElseThrow();
  }
}
