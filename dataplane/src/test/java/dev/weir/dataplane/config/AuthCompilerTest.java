package dev.weir.dataplane.config;

import static dev.weir.dataplane.config.RouteFeatureCompilerTest.route;
import static dev.weir.dataplane.config.RouteFeatureCompilerTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.ExternalAuth;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.api.config.v1.JwtProvider;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.dataplane.auth.TestTokens;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import dev.weir.dataplane.server.ProxySettings;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** Compiling JWT and external authorization: defaults, and NACKs naming the route. */
class AuthCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  private static Route withFilters(RouteFilters.Builder filters) {
    return route("r").setFilters(filters).build();
  }

  private void assertRejected(RouteFilters.Builder filters, String reason, String secret) {
    assertThatThrownBy(() -> compiler.compile(snapshot(withFilters(filters)), null))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e ->
                assertThat(e.resources())
                    .anySatisfy(
                        r -> {
                          assertThat(r.getName()).isEqualTo("r");
                          assertThat(r.getReason()).contains(reason).doesNotContain(secret);
                        }));
  }

  private static RouteFilters.Builder jwt(JwtProvider.Builder provider) {
    return RouteFilters.newBuilder().setJwt(JwtAuthentication.newBuilder().addProviders(provider));
  }

  @Test
  void jwtAndExtAuthCompileWithDefaults() throws Exception {
    RouteFilters.Builder filters =
        jwt(JwtProvider.newBuilder()
                .setName("idp")
                .setJwks(TestTokens.jwks(TestTokens.rsa("k")))
                .putClaimToHeaders("sub", "X-User"))
            .setExtAuth(ExternalAuth.newBuilder().setUrl("http://auth.svc:8080/check"));
    RouteEntry r =
        compiler
            .compile(snapshot(withFilters(filters)), null)
            .listener(8080)
            .routes()
            .match("a.example.com", "/p", new RouteRequest("GET", EmptyHttpHeaders.INSTANCE, null));
    assertThat(r.filters().jwt().providers().getFirst().skewSeconds()).isEqualTo(60);
    assertThat(r.filters().jwt().claimHeaders()).containsExactly("x-user");
    assertThat(r.filters().extAuth().timeout().toMillis()).isEqualTo(200);
    assertThat(r.filters().extAuth().headersToAuth()).containsExactly("authorization", "cookie");
  }

  @Test
  void invalidAuthSettingsAreRejectedNamingTheRoute() {
    assertRejected(
        RouteFilters.newBuilder().setJwt(JwtAuthentication.newBuilder()), "no provider", "\u0000");
    String secret = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"s3cr3tvalue\"";
    assertRejected(
        jwt(JwtProvider.newBuilder().setName("idp").setJwks(secret)), "does not parse", "s3cr3t");
    assertRejected(
        jwt(JwtProvider.newBuilder().setJwks("{\"keys\":[]}")), "no usable signing key", "\u0000");
    assertRejected(jwt(JwtProvider.newBuilder().setJwksUri("ftp://x/jwks")), "jwks_uri", "\u0000");
    assertRejected(jwt(JwtProvider.newBuilder()), "neither jwks_uri nor jwks", "\u0000");
    assertRejected(
        RouteFilters.newBuilder().setExtAuth(ExternalAuth.newBuilder().setUrl("file:/etc")),
        "not an http(s) URL",
        "\u0000");
    assertRejected(
        RouteFilters.newBuilder()
            .setExtAuth(
                ExternalAuth.newBuilder().setUrl("http://a/").addHeadersToBackend("bad header")),
        "not a usable field name",
        "\u0000");
  }
}
