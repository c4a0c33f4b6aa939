package dev.weir.dataplane.auth;

import static dev.weir.dataplane.auth.TestTokens.claims;
import static dev.weir.dataplane.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** JWT validation edge cases: algorithms, keys, issuer, audience, time, and malformed tokens. */
class JwtVerifierTest {

  private static final long NOW = 1_750_000_000L;
  private static final RSAKey RSA = TestTokens.rsa("r1");
  private static final ECKey EC = TestTokens.ec("e1");
  private static final OctetSequenceKey HMAC = TestTokens.hmac("h1");

  private static JwkKeys keys(String json) throws ParseException {
    return JwkKeys.parse(json);
  }

  private static JwtProvider provider(String issuer, Set<String> audiences, JwkKeys keys) {
    return new JwtProvider(
        "p", issuer, audiences, Map.of(), JwtProvider.DEFAULT_SKEW_SECONDS, JwksCache.inline(keys));
  }

  /** Verifies as the filter does: a token that does not parse is malformed. */
  private static JwtVerdict check(String token, JwtProvider p, long now) {
    try {
      return JwtVerifier.verify(SignedJWT.parse(token), p, p.keys().current(null), now);
    } catch (ParseException e) {
      return new JwtVerdict.Invalid("malformed token");
    }
  }

  private static JwtProvider all() throws ParseException {
    return provider("https://issuer", Set.of("api"), keys(TestTokens.secretJwks(RSA, EC, HMAC)));
  }

  private static String description(JwtVerdict v) {
    assertThat(v).isInstanceOf(JwtVerdict.Invalid.class);
    return ((JwtVerdict.Invalid) v).description();
  }

  @Test
  void rs256Es256AndHs256TokensVerify() throws Exception {
    for (var key : java.util.List.of(RSA, EC, HMAC)) {
      JwtVerdict v =
          check(sign(key, claims("https://issuer", "api", NOW, 300).build()), all(), NOW);
      assertThat(v).as(key.getKeyType().toString()).isInstanceOf(JwtVerdict.Valid.class);
      assertThat(((JwtVerdict.Valid) v).claims().getSubject()).isEqualTo("alice");
      assertThat(((JwtVerdict.Valid) v).expiresAtSeconds()).isEqualTo(NOW + 300 + 60);
    }
  }

  @Test
  void expiredTokenIsRejectedBeyondTheSkewOnly() throws Exception {
    String token = sign(RSA, claims("https://issuer", "api", NOW, -30).build());
    assertThat(check(token, all(), NOW)).isInstanceOf(JwtVerdict.Valid.class);
    assertThat(description(check(token, all(), NOW + 31))).isEqualTo("token expired");
  }

  @Test
  void notYetValidTokenIsRejectedBeyondTheSkewOnly() throws Exception {
    String token =
        sign(
            RSA,
            claims("https://issuer", "api", NOW, 3600)
                .notBeforeTime(new Date((NOW + 100) * 1000))
                .build());
    assertThat(description(check(token, all(), NOW))).isEqualTo("token not yet valid");
    assertThat(check(token, all(), NOW + 40)).isInstanceOf(JwtVerdict.Valid.class);
  }

  @Test
  void wrongAudienceIsRejectedAndAnyListedAudienceAccepted() throws Exception {
    String token = sign(RSA, claims("https://issuer", "other", NOW, 300).build());
    assertThat(description(check(token, all(), NOW))).isEqualTo("audience not accepted");
    JwtProvider either =
        provider("https://issuer", Set.of("api", "other"), keys(TestTokens.jwks(RSA)));
    assertThat(check(token, either, NOW)).isInstanceOf(JwtVerdict.Valid.class);
  }

  @Test
  void wrongIssuerIsRejected() throws Exception {
    String token = sign(RSA, claims("https://evil", "api", NOW, 300).build());
    assertThat(description(check(token, all(), NOW))).isEqualTo("issuer not accepted");
  }

  @Test
  void unsecuredAlgNoneTokenIsNeverValid() throws Exception {
    String token = TestTokens.unsecured(claims("https://issuer", "api", NOW, 300).build());
    assertThat(check(token, all(), NOW)).isInstanceOf(JwtVerdict.Invalid.class);
  }

  @Test
  void hs256TokenMacedWithTheRsaPublicKeyIsRejected() throws Exception {
    // The classic confusion attack: HMAC with the (public) RSA key's bytes as the secret.
    byte[] publicBytes = RSA.toRSAPublicKey().getEncoded();
    String token =
        sign(
            new MACSigner(publicBytes),
            JWSAlgorithm.HS256,
            "r1",
            claims("https://issuer", "api", NOW, 300).build());
    JwtProvider rsaOnly = provider("https://issuer", Set.of(), keys(TestTokens.jwks(RSA)));
    assertThat(description(check(token, rsaOnly, NOW)))
        .isEqualTo("no key for the token's algorithm");
    String noKid =
        sign(
            new MACSigner(publicBytes),
            JWSAlgorithm.HS256,
            null,
            claims("https://issuer", "api", NOW, 300).build());
    assertThat(check(noKid, rsaOnly, NOW)).isInstanceOf(JwtVerdict.Invalid.class);
  }

  @Test
  void badSignatureIsRejected() throws Exception {
    RSAKey impostor = TestTokens.rsa("r1");
    String token = sign(impostor, claims("https://issuer", "api", NOW, 300).build());
    assertThat(description(check(token, all(), NOW))).isEqualTo("signature verification failed");
    String valid = sign(RSA, claims("https://issuer", "api", NOW, 300).build());
    String tampered = valid.substring(0, valid.length() - 4) + "AAAA";
    assertThat(check(tampered, all(), NOW)).isInstanceOf(JwtVerdict.Invalid.class);
  }

  @Test
  void unknownKidAsksForARefetch() throws Exception {
    String token = sign(TestTokens.rsa("r2"), claims("https://issuer", "api", NOW, 300).build());
    assertThat(check(token, all(), NOW)).isInstanceOf(JwtVerdict.UnknownKey.class);
  }

  @Test
  void tokenWithoutKidUsesTheOnlyKey() throws Exception {
    String token =
        sign(
            new com.nimbusds.jose.crypto.RSASSASigner(RSA),
            JWSAlgorithm.RS256,
            null,
            claims("https://issuer", "api", NOW, 300).build());
    assertThat(check(token, all(), NOW)).isInstanceOf(JwtVerdict.Valid.class);
  }

  @Test
  void malformedTokensAreInvalid() throws Exception {
    for (String token : new String[] {"", "abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "...."}) {
      assertThat(check(token, all(), NOW)).as(token).isInstanceOf(JwtVerdict.Invalid.class);
    }
  }

  @Test
  void jwksKeysWithForeignUseOrAlgOrShortSecretsAreDropped() throws Exception {
    String json =
        "{\"keys\":["
            + "{\"kty\":\"oct\",\"kid\":\"short\",\"k\":\"c2hvcnQ\"},"
            + RSA.toPublicJWK().toJSONString().replace("\"kty\"", "\"use\":\"enc\",\"kty\"")
            + ","
            + EC.toPublicJWK().toJSONString().replace("\"kty\"", "\"alg\":\"ES384\",\"kty\"")
            + "]}";
    assertThat(JwkKeys.parse(json).keys()).isEmpty();
  }

  @Test
  void keysPrintRedacted() throws Exception {
    assertThat(keys(TestTokens.secretJwks(HMAC)).keys().getFirst().toString())
        .contains("[redacted]")
        .doesNotContain(HMAC.getKeyValue().toString());
  }
}
