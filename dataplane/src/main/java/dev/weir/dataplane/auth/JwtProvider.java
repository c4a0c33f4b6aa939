package dev.weir.dataplane.auth;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One compiled JWT provider of a route (proto {@code JwtProvider}). Immutable, except that {@code
 * keys} caches fetched keys (see {@link JwksCache} for its threading rule).
 *
 * @param name the provider's name, for messages
 * @param issuer the required {@code iss}, or {@code null} for any
 * @param audiences the accepted {@code aud} values; empty accepts any
 * @param claimToHeaders claim name to request header name (lower case)
 * @param skewSeconds the clock skew allowed on {@code exp} and {@code nbf}
 * @param keys the provider's signing keys
 */
public record JwtProvider(
    String name,
    String issuer,
    Set<String> audiences,
    Map<String, String> claimToHeaders,
    long skewSeconds,
    JwksCache keys) {

  /** RFC 7519 §4.1.4 leaves the leeway to the implementation; Weir's default is 60 s. */
  public static final long DEFAULT_SKEW_SECONDS = 60;

  public JwtProvider {
    Objects.requireNonNull(name, "name");
    audiences = Set.copyOf(audiences);
    claimToHeaders = Map.copyOf(claimToHeaders);
    Objects.requireNonNull(keys, "keys");
  }

  /** Whether a token with issuer {@code iss} (maybe null) may belong to this provider. */
  public boolean acceptsIssuer(String iss) {
    return issuer == null || issuer.equals(iss);
  }
}
