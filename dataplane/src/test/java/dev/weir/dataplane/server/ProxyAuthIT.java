package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.weir.api.config.v1.ExternalAuth;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.api.config.v1.JwtProvider;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.dataplane.auth.TestTokens;
import dev.weir.dataplane.server.ProxyTrafficFiltersIT.Reply;
import dev.weir.testing.EchoServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JWT authentication and external authorization through the real proxy, a real backend, a real JWKS
 * endpoint and a real authorization service, over HTTP/1.1 and h2c, with curl as the client.
 */
class ProxyAuthIT {

  private static final RSAKey RSA = TestTokens.rsa("r1");
  private static final ECKey EC = TestTokens.ec("e1");
  private static final String ISSUER = "https://issuer.example";

  private EchoServer backend;
  private ProxyFixture proxy;
  private AuthServer jwks;
  private AuthServer authz;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("alpha");
    proxy = new ProxyFixture();
    port = freePort();
    jwks = new AuthServer(AuthServer.Answer.of(200, TestTokens.jwks(RSA, EC), Map.of()));
    authz = new AuthServer(AuthServer.Answer.of(200, "", Map.of()));
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
    jwks.close();
    authz.close();
  }

  private void serve(RouteFilters.Builder filters) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(
                table(
                    "rt",
                    vhost("vh", List.of("*"), ProxyTrafficFiltersIT.route("auth", "/", filters))))
            .addClusters(cluster("alpha", backend.port()))
            .build());
  }

  private RouteFilters.Builder jwt(boolean allowMissing) {
    return RouteFilters.newBuilder()
        .setJwt(
            JwtAuthentication.newBuilder()
                .setAllowMissing(allowMissing)
                .addProviders(
                    JwtProvider.newBuilder()
                        .setName("idp")
                        .setIssuer(ISSUER)
                        .addAudiences("api")
                        .setJwksUri(jwks.url("/jwks"))
                        .putClaimToHeaders("sub", "x-user")
                        .putClaimToHeaders("aud", "x-audience")));
  }

  private Reply curl(String protocol, String path, String... headers) throws Exception {
    return ProxyTrafficFiltersIT.curl(port, protocol, path, headers);
  }

  private static String token(com.nimbusds.jose.jwk.JWK key, long ttl) {
    long now = System.currentTimeMillis() / 1000;
    return TestTokens.sign(key, TestTokens.claims(ISSUER, "api", now, ttl).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void missingTokenGets401WithChallengeAndTheBackendSeesNothing(String protocol) throws Exception {
    serve(jwt(false));
    Reply r = curl(protocol, "/x", "Authorization: Basic YTpi");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).isEqualTo("Bearer realm=\"weir\"");
    assertThat(r.header("x-request-id")).isNotEmpty();
    assertThat(backend.requests()).isZero();
    assertThat(jwks.seen).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void rs256AndEs256TokensPassWithClaimsInHeadersAndForgedClaimsStripped(String protocol)
      throws Exception {
    serve(jwt(false));
    for (int i = 0; i < 5; i++) {
      for (var key : List.of(RSA, EC)) {
        Reply r =
            curl(
                protocol,
                "/x",
                "Authorization: Bearer " + token(key, 300),
                "X-User: mallory",
                "X-Audience: admin");
        assertThat(r.status()).as(key.getKeyType().toString()).isEqualTo(200);
        assertThat(r.body()).contains("header x-user: alice").contains("header x-audience: api");
        assertThat(r.body()).doesNotContain("mallory").doesNotContain("admin");
      }
    }
    assertThat(jwks.seen).as("one JWKS fetch for every request").hasSize(1);
    assertThat(backend.requests()).isEqualTo(10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void invalidTokensGet401InvalidTokenWithoutEchoingThem(String protocol) throws Exception {
    serve(jwt(false));
    String expired = token(RSA, -3600);
    Reply r = curl(protocol, "/x", "Authorization: Bearer " + expired);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate"))
        .isEqualTo(
            "Bearer realm=\"weir\", error=\"invalid_token\", error_description=\"token expired\"");
    assertThat(r.body()).doesNotContain(expired);
    assertThat(curl(protocol, "/x", "Authorization: Bearer not.a.jwt").status()).isEqualTo(401);
    assertThat(curl(protocol, "/x", "Authorization: Bearer").status()).isEqualTo(401);
    assertThat(
            curl(
                    protocol,
                    "/x",
                    "Authorization: Bearer "
                        + TestTokens.unsecured(
                            TestTokens.claims(ISSUER, "api", System.currentTimeMillis() / 1000, 300)
                                .build()))
                .status())
        .isEqualTo(401);
    assertThat(backend.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void rotatedKeyIsFetchedOnItsFirstToken(String protocol) throws Exception {
    serve(jwt(false));
    assertThat(curl(protocol, "/x", "Authorization: Bearer " + token(RSA, 300)).status())
        .isEqualTo(200);
    RSAKey next = TestTokens.rsa("r2");
    jwks.answer.set(AuthServer.Answer.of(200, TestTokens.jwks(RSA, next), Map.of()));
    assertThat(curl(protocol, "/x", "Authorization: Bearer " + token(next, 300)).status())
        .isEqualTo(200);
    assertThat(jwks.seen).hasSize(2);
    // Another unknown kid within the rate-limit interval does not refetch.
    Reply r = curl(protocol, "/x", "Authorization: Bearer " + token(TestTokens.rsa("r3"), 300));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).contains("unknown key id");
    assertThat(jwks.seen).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void unreachableJwksGets401NotAServerError(String protocol) throws Exception {
    jwks.answer.set(AuthServer.Answer.of(500, "down", Map.of()));
    serve(jwt(false));
    Reply r = curl(protocol, "/x", "Authorization: Bearer " + token(RSA, 300));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).contains("signing keys unavailable");
    assertThat(backend.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void allowMissingLetsAnonymousRequestsThroughButNotBadTokens(String protocol) throws Exception {
    serve(jwt(true));
    Reply r = curl(protocol, "/x", "X-User: mallory");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("mallory");
    assertThat(curl(protocol, "/x", "Authorization: Bearer x.y.z").status()).isEqualTo(401);
  }

  private RouteFilters.Builder extAuth(int timeoutMs, boolean failOpen) {
    return RouteFilters.newBuilder()
        .setExtAuth(
            ExternalAuth.newBuilder()
                .setUrl(authz.url("/check"))
                .setTimeoutMs(timeoutMs)
                .addHeadersToBackend("x-auth-user")
                .setFailOpen(failOpen));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void extAuthAllowCopiesItsHeadersOntoTheForwardedRequest(String protocol) throws Exception {
    authz.answer.set(AuthServer.Answer.of(200, "", Map.of("x-auth-user", "bob")));
    serve(extAuth(2000, false));
    Reply r = curl(protocol, "/app/page?q=1", "Authorization: Bearer abc", "X-Auth-User: mallory");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("header x-auth-user: bob").doesNotContain("mallory");
    AuthServer.Seen call = authz.seen.getFirst();
    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.uri()).isEqualTo("/check/app/page?q=1");
    assertThat(call.header("authorization")).isEqualTo("Bearer abc");
    assertThat(call.header("x-forwarded-host")).isEqualTo("127.0.0.1:" + port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void extAuthDenialIsReturnedAsIsAndTheBackendSeesNothing(String protocol) throws Exception {
    authz.answer.set(
        AuthServer.Answer.of(
            403, "go away\n", Map.of("WWW-Authenticate", "Basic realm=\"corp\"", "X-Why", "no")));
    serve(extAuth(2000, false));
    Reply r = curl(protocol, "/x");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("go away\n");
    assertThat(r.header("www-authenticate")).isEqualTo("Basic realm=\"corp\"");
    assertThat(r.header("x-why")).isEqualTo("no");
    assertThat(backend.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void extAuthTimeoutFailsClosedWith503OrOpenAsConfigured(String protocol) throws Exception {
    authz.answer.set(AuthServer.Answer.hanging());
    serve(extAuth(200, false));
    Reply closed = curl(protocol, "/x");
    assertThat(closed.status()).isEqualTo(503);
    assertThat(closed.seconds()).isLessThan(2);
    assertThat(backend.requests()).isZero();
    serve(extAuth(200, true));
    assertThat(curl(protocol, "/x").status()).isEqualTo(200);
    assertThat(backend.requests()).isEqualTo(1);
  }
}
