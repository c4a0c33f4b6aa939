package dev.weir.dataplane.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks one parsed JWS-compact token (RFC 7515 §7.1) against one provider and its keys: the
 * algorithm (HS256, RS256 or ES256 only; {@code none} and everything else refused, RFC 8725 §3.1),
 * the signature with a key of the token's {@code kid} whose type fits the algorithm, then {@code
 * iss}, {@code aud}, {@code exp} and {@code nbf} with the provider's clock skew (RFC 7519 §4.1).
 * Stateless.
 */
public final class JwtVerifier {

  /** The only algorithms accepted; a token naming another one is invalid. */
  public static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  private JwtVerifier() {}

  /**
   * Verifies {@code jwt}.
   *
   * @param nowSeconds the current time, in seconds since the epoch
   */
  public static JwtVerdict verify(
      SignedJWT jwt, JwtProvider provider, JwkKeys keys, long nowSeconds) {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!ALGORITHMS.contains(alg)) {
      return new JwtVerdict.Invalid("unsupported algorithm");
    }
    String kid = header.getKeyID();
    List<VerifyingKey> candidates = keys.candidates(alg, kid);
    if (candidates.isEmpty()) {
      // A kid the JWKS does not know at all may be a newly rotated key; a known kid of another
      // key type is a wrong algorithm, never worth a refetch.
      return kid != null && !keys.hasKid(kid)
          ? new JwtVerdict.UnknownKey()
          : new JwtVerdict.Invalid("no key for the token's algorithm");
    }
    if (!signatureVerifies(jwt, candidates)) {
      return new JwtVerdict.Invalid("signature verification failed");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return new JwtVerdict.Invalid("malformed claims");
    }
    return checkClaims(claims, provider, nowSeconds);
  }

  private static boolean signatureVerifies(SignedJWT jwt, List<VerifyingKey> candidates) {
    for (VerifyingKey key : candidates) {
      try {
        if (jwt.verify(key.verifier())) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        // A key that cannot process this token (e.g. a malformed ES256 signature): try the next.
      }
    }
    return false;
  }

  /** The claim checks alone, for tokens whose signature was verified. */
  static JwtVerdict checkClaims(JWTClaimsSet claims, JwtProvider provider, long nowSeconds) {
    if (!provider.acceptsIssuer(claims.getIssuer())) {
      return new JwtVerdict.Invalid("issuer not accepted");
    }
    if (!provider.audiences().isEmpty() && !anyAudience(claims, provider.audiences())) {
      return new JwtVerdict.Invalid("audience not accepted");
    }
    long skew = provider.skewSeconds();
    Date exp = claims.getExpirationTime();
    long expiresAt = exp == null ? Long.MAX_VALUE : seconds(exp) + skew;
    // RFC 7519 §4.1.4: the token must not be accepted on or after exp (plus leeway).
    if (nowSeconds >= expiresAt) {
      return new JwtVerdict.Invalid("token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    // RFC 7519 §4.1.5: not accepted before nbf (minus leeway).
    if (nbf != null && nowSeconds + skew < seconds(nbf)) {
      return new JwtVerdict.Invalid("token not yet valid");
    }
    return new JwtVerdict.Valid(provider, claims, expiresAt);
  }

  private static boolean anyAudience(JWTClaimsSet claims, Set<String> accepted) {
    List<String> aud = claims.getAudience();
    for (String a : aud) {
      if (accepted.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private static long seconds(Date d) {
    return Math.floorDiv(d.getTime(), 1000);
  }
}
