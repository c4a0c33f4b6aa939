package dev.weir.dataplane.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Keys, JWKS documents and signed tokens for JWT tests. */
public final class TestTokens {

  private TestTokens() {}

  public static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static OctetSequenceKey hmac(String kid) {
    try {
      return new OctetSequenceKeyGenerator(256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS of {@code keys} (secret keys stay secret: use {@link #secretJwks}). */
  public static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }

  /** A JWKS including secret (oct) keys, as an inline Secret would carry. */
  public static String secretJwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(false);
  }

  /** Claims issued by {@code iss} for {@code aud}, valid from now-60s until now+{@code ttl}s. */
  public static JWTClaimsSet.Builder claims(String iss, String aud, long nowSeconds, long ttl) {
    return new JWTClaimsSet.Builder()
        .issuer(iss)
        .audience(aud)
        .subject("alice")
        .issueTime(new Date((nowSeconds - 60) * 1000))
        .notBeforeTime(new Date((nowSeconds - 60) * 1000))
        .expirationTime(new Date((nowSeconds + ttl) * 1000));
  }

  /** Signs {@code claims} with {@code key}, its algorithm chosen from its type. */
  public static String sign(JWK key, JWTClaimsSet claims) {
    try {
      JWSAlgorithm alg;
      JWSSigner signer;
      switch (key) {
        case RSAKey r -> {
          alg = JWSAlgorithm.RS256;
          signer = new RSASSASigner(r);
        }
        case ECKey e -> {
          alg = JWSAlgorithm.ES256;
          signer = new ECDSASigner(e);
        }
        case OctetSequenceKey o -> {
          alg = JWSAlgorithm.HS256;
          signer = new MACSigner(o);
        }
        default -> throw new IllegalArgumentException(key.getKeyType().toString());
      }
      return sign(signer, alg, key.getKeyID(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
      throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** An unsecured JWT (RFC 7519 §6): header {@code {"alg":"none"}}, empty signature. */
  public static String unsecured(JWTClaimsSet claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
        + "."
        + b64.encodeToString(claims.toString().getBytes())
        + ".";
  }
}
