package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.api.config.v1.JwtProvider;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.dataplane.auth.JwkKeys;
import dev.weir.dataplane.auth.JwksCache;
import dev.weir.dataplane.auth.JwtVerdict;
import dev.weir.dataplane.auth.JwtVerifier;
import dev.weir.dataplane.auth.TestTokens;
import dev.weir.testing.EchoServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The JWT filter's overhead: h2load, 20k requests each, through one proxy to a route without and a
 * route with RS256 JWT authentication (the same token on every request, so the verified-token cache
 * serves all but the first), plus the cost of one uncached RS256 verification. Not part of the
 * suite: run with {@code -Dweir.bench=true -Dtest=ProxyAuthBench}.
 */
@EnabledIfSystemProperty(named = "weir.bench", matches = "true")
class ProxyAuthBench {

  @Test
  void h2loadWithAndWithoutJwt() throws Exception {
    RSAKey rsa = TestTokens.rsa("r1");
    long now = System.currentTimeMillis() / 1000;
    String token = TestTokens.sign(rsa, TestTokens.claims("iss", "api", now, 3600).build());
    RouteFilters.Builder jwt =
        RouteFilters.newBuilder()
            .setJwt(
                JwtAuthentication.newBuilder()
                    .addProviders(
                        JwtProvider.newBuilder()
                            .setName("idp")
                            .setIssuer("iss")
                            .setJwks(TestTokens.jwks(rsa))
                            .putClaimToHeaders("sub", "x-user")));
    try (EchoServer backend = EchoServer.start("bench");
        ProxyFixture proxy = new ProxyFixture()) {
      int port = freePort();
      proxy.apply(
          snapshot()
              .addListeners(http("plain", port, "rt"))
              .addRouteTables(
                  table(
                      "rt",
                      vhost(
                          "any",
                          List.of("*"),
                          ProxyTrafficFiltersIT.route("jwt", "/jwt", jwt),
                          ProxyTrafficFiltersIT.route("open", "/", RouteFilters.newBuilder()))))
              .addClusters(cluster("alpha", backend.port()))
              .build());
      for (int round = 0; round < 2; round++) {
        String open = run(port, "/bytes/64", token);
        String withJwt = run(port, "/jwt/bytes/64", token);
        System.out.println("=== round " + round + " without JWT\n" + open);
        System.out.println("=== round " + round + " with JWT (RS256)\n" + withJwt);
        assertThat(withJwt).contains("20000 succeeded");
      }
    }
    JwkKeys keys = JwkKeys.parse(TestTokens.jwks(rsa));
    dev.weir.dataplane.auth.JwtProvider p =
        new dev.weir.dataplane.auth.JwtProvider(
            "p", "iss", Set.of(), Map.of(), 60, JwksCache.inline(keys));
    int n = 20_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      JwtVerdict v = JwtVerifier.verify(SignedJWT.parse(token), p, keys, now);
      assertThat(v).isInstanceOf(JwtVerdict.Valid.class);
    }
    System.out.printf(
        "=== uncached parse + RS256 verify: %.1f us each%n",
        (System.nanoTime() - start) / 1000.0 / n);
  }

  private static String run(int port, String path, String token) throws Exception {
    return ProxyHttp2Bench.h2load(
        List.of(
            "--h1",
            "-n",
            "20000",
            "-c",
            "8",
            "-t",
            "1",
            "-H",
            "authorization: Bearer " + token,
            "http://127.0.0.1:" + port + path));
  }
}
