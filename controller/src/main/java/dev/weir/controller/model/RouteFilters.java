package dev.weir.controller.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The data-plane filters of one route, from TrafficPolicies (weir.dev/v1alpha1) on its Gateway and
 * route, and from the plugin filters (FilterExtension) its rule names; mirrors {@code
 * weir.config.v1.RouteFilters}. A null block is off. Units are already those of the protocol (per
 * million, milliseconds as {@link Duration}). Immutable.
 *
 * @param rateLimit local token bucket, or null
 * @param ipAccess client CIDR lists, or null
 * @param securityHeaders response security headers, or null
 * @param compression gzip of responses, or null; {@link Compression#enabled()} false turns off a
 *     Gateway's compression for a route
 * @param fault fault injection, or null
 * @param jwt JWT authentication, or null
 * @param extAuth external authorization, or null
 * @param cache the response cache, or null
 * @param plugins plugin filters, in the rule's filter order
 */
public record RouteFilters(
    RateLimit rateLimit,
    IpAccess ipAccess,
    SecurityHeaders securityHeaders,
    Compression compression,
    Fault fault,
    Jwt jwt,
    ExtAuth extAuth,
    Cache cache,
    List<Plugin> plugins) {

  /** No filter. */
  public static final RouteFilters NONE =
      new RouteFilters(null, null, null, null, null, null, null, null, List.of());

  public RouteFilters {
    plugins = List.copyOf(plugins);
  }

  /**
   * These filters with each block {@code over} sets replacing this one's (field-by-field merge of a
   * more specific policy over a less specific one); plugins of both are kept, this one's first.
   */
  public RouteFilters overriddenBy(RouteFilters over) {
    List<Plugin> all = new ArrayList<>(plugins);
    all.addAll(over.plugins);
    return new RouteFilters(
        pick(over.rateLimit, rateLimit),
        pick(over.ipAccess, ipAccess),
        pick(over.securityHeaders, securityHeaders),
        pick(over.compression, compression),
        pick(over.fault, fault),
        pick(over.jwt, jwt),
        pick(over.extAuth, extAuth),
        pick(over.cache, cache),
        all);
  }

  /** These filters with {@code more} plugins appended. */
  public RouteFilters withPlugins(List<Plugin> more) {
    List<Plugin> all = new ArrayList<>(plugins);
    all.addAll(more);
    return new RouteFilters(
        rateLimit, ipAccess, securityHeaders, compression, fault, jwt, extAuth, cache, all);
  }

  private static <T> T pick(T over, T base) {
    return over != null ? over : base;
  }

  /** What a rate limit counts separately; mirrors the {@code LocalRateLimit.key} oneof. */
  public sealed interface RateKey {
    /** One bucket for the route. */
    record Route() implements RateKey {}

    /** One bucket per client IP. */
    record ClientIp() implements RateKey {}

    /**
     * One bucket per value of a request header.
     *
     * @param name lower case
     */
    record Header(String name) implements RateKey {
      public Header {
        Objects.requireNonNull(name, "name");
      }
    }
  }

  /**
   * A token bucket: {@code requests} tokens per {@code fillInterval}.
   *
   * @param burst the bucket size, 0 for {@code requests}
   */
  public record RateLimit(int requests, Duration fillInterval, int burst, RateKey key) {
    public RateLimit {
      Objects.requireNonNull(fillInterval, "fillInterval");
      Objects.requireNonNull(key, "key");
    }
  }

  /** CIDR allow and deny lists. */
  public record IpAccess(List<String> allow, List<String> deny) {
    public IpAccess {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }
  }

  /**
   * Security response headers; "" leaves a header unset.
   *
   * @param strictTransportSecurity the HSTS value (RFC 6797 §6.1)
   */
  public record SecurityHeaders(
      String strictTransportSecurity,
      boolean contentTypeNosniff,
      String frameOptions,
      String contentSecurityPolicy,
      boolean removeServerHeaders) {
    public SecurityHeaders {
      Objects.requireNonNull(strictTransportSecurity, "strictTransportSecurity");
      Objects.requireNonNull(frameOptions, "frameOptions");
      Objects.requireNonNull(contentSecurityPolicy, "contentSecurityPolicy");
    }
  }

  /**
   * gzip compression.
   *
   * @param enabled false: explicitly off (overrides a less specific policy's compression)
   * @param minBytes smallest body compressed, 0 for the data plane's default
   */
  public record Compression(boolean enabled, int minBytes) {}

  /**
   * Delay and/or abort a share of requests.
   *
   * @param delay the delay, ZERO for none
   * @param delayPerMillion share delayed, per million
   * @param abortStatus the abort status, 0 for none
   * @param abortPerMillion share aborted, per million
   */
  public record Fault(Duration delay, int delayPerMillion, int abortStatus, int abortPerMillion) {
    public Fault {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** JWT authentication by one of {@code providers}. */
  public record Jwt(List<JwtProvider> providers) {
    public Jwt {
      providers = List.copyOf(providers);
    }
  }

  /**
   * One token issuer. Exactly one of {@code jwksUri} and {@code jwks} is non-empty.
   *
   * @param jwksUri a JWKS URL, or ""
   * @param jwks an inline JWKS document (from a Secret or ConfigMap), or ""; may hold HS256 secret
   *     keys, so {@link #toString()} never shows it
   * @param claimToHeaders claim name to request header name, sorted by claim
   */
  public record JwtProvider(
      String name,
      String issuer,
      List<String> audiences,
      String jwksUri,
      String jwks,
      Map<String, String> claimToHeaders) {
    public JwtProvider {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(issuer, "issuer");
      audiences = List.copyOf(audiences);
      Objects.requireNonNull(jwksUri, "jwksUri");
      Objects.requireNonNull(jwks, "jwks");
      claimToHeaders = Map.copyOf(claimToHeaders);
    }

    @Override
    public String toString() {
      return "JwtProvider[name=" + name + ", issuer=" + issuer + ", jwksUri=" + jwksUri + "]";
    }
  }

  /** External authorization over HTTP. */
  public record ExtAuth(String url, Duration timeout, List<String> headersToBackend) {
    public ExtAuth {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(timeout, "timeout");
      headersToBackend = List.copyOf(headersToBackend);
    }
  }

  /**
   * The response cache.
   *
   * @param maxBytes total bytes of cached bodies, 0 for the default
   * @param maxEntryBytes largest body cached, 0 for the default
   * @param defaultTtl heuristic freshness, ZERO for none
   */
  public record Cache(long maxBytes, long maxEntryBytes, Duration defaultTtl) {
    public Cache {
      Objects.requireNonNull(defaultTtl, "defaultTtl");
    }
  }

  /**
   * A plugin filter from a FilterExtension.
   *
   * @param name the plugin's name
   * @param configJson its config, a compact JSON object
   * @param source the FilterExtension, "namespace/name"
   */
  public record Plugin(String name, String configJson, String source) {
    public Plugin {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(configJson, "configJson");
      Objects.requireNonNull(source, "source");
    }
  }
}
