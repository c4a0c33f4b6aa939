package dev.weir.dataplane.auth;

import java.util.List;
import java.util.Objects;

/**
 * A route's compiled JWT authentication (proto {@code JwtAuthentication}). Immutable, except for
 * the shared caches of its providers' keys and of verified tokens (both thread-safe).
 *
 * @param providers the providers, tried in order for a token whose issuer they accept
 * @param allowMissing whether a request without any token passes unauthenticated
 * @param claimHeaders every header name some provider fills from claims (lower case); removed from
 *     every incoming request so that clients cannot forge them
 * @param verified the route's verified-token cache
 */
public record JwtSettings(
    List<JwtProvider> providers,
    boolean allowMissing,
    List<String> claimHeaders,
    VerifiedTokens verified) {

  public JwtSettings {
    providers = List.copyOf(providers);
    claimHeaders = List.copyOf(claimHeaders);
    Objects.requireNonNull(verified, "verified");
  }

  @Override
  public String toString() {
    return "jwt"
        + providers.stream().map(p -> p.name() + "(" + p.keys() + ")").toList()
        + (allowMissing ? " allow-missing" : "");
  }
}
