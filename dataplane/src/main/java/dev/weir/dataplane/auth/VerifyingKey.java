package dev.weir.dataplane.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One JWK ready to verify signatures, bound to the single algorithm its key type allows: an {@code
 * oct} key verifies only HS256, an RSA key only RS256, a P-256 EC key only ES256. Binding the
 * algorithm to the key (not to the token's {@code alg}) is what prevents algorithm confusion (RFC
 * 8725 §2.1, §3.1): an RSA public key is never used as an HMAC secret. Immutable; the verifier is
 * safe for concurrent use.
 *
 * @param kid the key id, or {@code null}
 * @param algorithm the one algorithm this key verifies
 * @param verifier the JOSE verifier for the key
 */
public record VerifyingKey(String kid, JWSAlgorithm algorithm, JWSVerifier verifier) {

  public VerifyingKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * The verifying key for {@code jwk}, or empty when Weir cannot or must not verify with it: an
   * encryption key ({@code use=enc}), a declared {@code alg} other than its type's, another curve,
   * or an HMAC secret shorter than 256 bits (RFC 7518 §3.2).
   */
  public static Optional<VerifyingKey> of(JWK jwk) {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return Optional.empty();
    }
    try {
      VerifyingKey key =
          switch (jwk) {
            case OctetSequenceKey oct ->
                new VerifyingKey(oct.getKeyID(), JWSAlgorithm.HS256, new MACVerifier(oct));
            case RSAKey rsa ->
                new VerifyingKey(rsa.getKeyID(), JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
            case ECKey ec when Curve.P_256.equals(ec.getCurve()) ->
                new VerifyingKey(ec.getKeyID(), JWSAlgorithm.ES256, new ECDSAVerifier(ec));
            default -> null;
          };
      if (key == null
          || (jwk.getAlgorithm() != null && !key.algorithm.equals(jwk.getAlgorithm()))) {
        return Optional.empty();
      }
      return Optional.of(key);
    } catch (JOSEException e) {
      return Optional.empty();
    }
  }

  /** Whether this key may verify a token signed with {@code alg} carrying key id {@code kid}. */
  public boolean matches(JWSAlgorithm alg, String tokenKid) {
    return algorithm.equals(alg) && (tokenKid == null || tokenKid.equals(kid));
  }

  @Override
  public String toString() {
    return "VerifyingKey[kid=" + kid + ", alg=" + algorithm + ", key=[redacted]]";
  }
}
