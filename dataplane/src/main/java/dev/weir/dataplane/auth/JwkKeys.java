package dev.weir.dataplane.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The usable signing keys of one JWKS document (RFC 7517 §5), parsed once. Keys Weir cannot verify
 * with (see {@link VerifyingKey#of}) are left out. Immutable; any thread.
 *
 * @param keys the usable keys, in document order
 */
public record JwkKeys(List<VerifyingKey> keys) {

  /** No keys (before the first fetch). */
  public static final JwkKeys NONE = new JwkKeys(List.of());

  public JwkKeys {
    keys = List.copyOf(keys);
  }

  /**
   * Parses a JWKS document.
   *
   * @throws ParseException when it is not a JWKS
   */
  public static JwkKeys parse(String json) throws ParseException {
    List<VerifyingKey> usable = new ArrayList<>();
    for (JWK jwk : JWKSet.parse(json).getKeys()) {
      VerifyingKey.of(jwk).ifPresent(usable::add);
    }
    return new JwkKeys(usable);
  }

  /** Whether some key has id {@code kid} (any algorithm). */
  public boolean hasKid(String kid) {
    for (VerifyingKey k : keys) {
      if (kid.equals(k.kid())) {
        return true;
      }
    }
    return false;
  }

  /** The keys that may verify a token with {@code alg} and {@code kid} (null: any id). */
  public List<VerifyingKey> candidates(JWSAlgorithm alg, String kid) {
    List<VerifyingKey> out = new ArrayList<>(1);
    for (VerifyingKey k : keys) {
      if (k.matches(alg, kid)) {
        out.add(k);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "JwkKeys[" + keys.size() + " keys]";
  }
}
