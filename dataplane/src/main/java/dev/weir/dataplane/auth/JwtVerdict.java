package dev.weir.dataplane.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Objects;

/** The outcome of checking one token against one provider ({@link JwtVerifier}). Immutable. */
public sealed interface JwtVerdict {

  /**
   * The token is valid.
   *
   * @param provider the provider that accepted it
   * @param claims its claims
   * @param expiresAtSeconds when it stops being valid (exp plus skew), or {@link Long#MAX_VALUE}
   */
  record Valid(JwtProvider provider, JWTClaimsSet claims, long expiresAtSeconds)
      implements JwtVerdict {
    public Valid {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(claims, "claims");
    }
  }

  /**
   * The token is not valid; {@code description} is the RFC 6750 {@code error_description}: it names
   * the failed check and never echoes token content.
   */
  record Invalid(String description) implements JwtVerdict {
    public Invalid {
      Objects.requireNonNull(description, "description");
    }
  }

  /** No key of the provider's current JWKS has the token's {@code kid}: a refetch may find it. */
  record UnknownKey() implements JwtVerdict {}
}
