package dev.weir.dataplane.config;

import static dev.weir.dataplane.config.RouteFeatureCompilerTest.route;
import static dev.weir.dataplane.config.RouteFeatureCompilerTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.FaultInjection;
import dev.weir.api.config.v1.IpAccess;
import dev.weir.api.config.v1.LocalRateLimit;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.api.config.v1.SecurityHeaders;
import dev.weir.dataplane.routing.RateLimitSettings;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import dev.weir.dataplane.server.ProxySettings;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** Compiling a route's traffic filters: defaults, typed settings, and NACKs naming the route. */
class RouteFiltersCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  private static Route withFilters(String name, RouteFilters.Builder filters) {
    return route(name).setFilters(filters).build();
  }

  private RouteEntry compiled(Route route) throws SnapshotRejectedException {
    return compiler
        .compile(snapshot(route), null)
        .listener(8080)
        .routes()
        .match("a.example.com", "/p", new RouteRequest("GET", EmptyHttpHeaders.INSTANCE, null));
  }

  private void assertRejected(Route route, String reason) {
    assertThatThrownBy(() -> compiler.compile(snapshot(route), null))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e ->
                assertThat(e.resources())
                    .anySatisfy(
                        r -> {
                          assertThat(r.getKind()).isEqualTo("route");
                          assertThat(r.getName()).isEqualTo(route.getName());
                          assertThat(r.getReason()).contains(reason);
                        }));
  }

  @Test
  void routeWithoutFiltersCompilesToNone() throws Exception {
    assertThat(compiled(route("plain").build()).filters().isEmpty()).isTrue();
  }

  @Test
  void rateLimitGetsDefaultsAndItsKey() throws Exception {
    RateLimitSettings r =
        compiled(
                withFilters(
                    "rl",
                    RouteFilters.newBuilder()
                        .setRateLimit(
                            LocalRateLimit.newBuilder()
                                .setRequests(3)
                                .setFillIntervalMs(1000)
                                .setHeader("X-Tenant"))))
            .filters()
            .rateLimit();
    assertThat(r.burst()).isEqualTo(3);
    assertThat(r.maxKeys()).isEqualTo(RateLimitSettings.DEFAULT_MAX_KEYS);
    assertThat(r.key()).isEqualTo(new RateLimitSettings.Key.Header("x-tenant"));
    assertThat(r.routeName()).isEqualTo("rl");
  }

  @Test
  void ipAccessIsPrecompiled() throws Exception {
    var access =
        compiled(
                withFilters(
                    "ip",
                    RouteFilters.newBuilder()
                        .setIpAccess(IpAccess.newBuilder().addDeny("10.0.0.0/8").addAllow("::/0"))))
            .filters()
            .ipAccess();
    assertThat(access.permits("10.1.2.3")).isFalse();
    assertThat(access.permits("2001:db8::1")).isTrue();
    // ::/0 covers IPv4-mapped addresses too.
    assertThat(access.permits("192.0.2.1")).isTrue();
  }

  @Test
  void emptySecurityHeaderValuesAreUnset() throws Exception {
    var headers =
        compiled(
                withFilters(
                    "sh",
                    RouteFilters.newBuilder()
                        .setSecurityHeaders(
                            SecurityHeaders.newBuilder()
                                .setContentTypeNosniff(true)
                                .setFrameOptions("DENY"))))
            .filters()
            .securityHeaders();
    assertThat(headers.strictTransportSecurity()).isNull();
    assertThat(headers.frameOptions()).isEqualTo("DENY");
  }

  @Test
  void badCidrIsRejected() {
    assertRejected(
        withFilters(
            "cidr",
            RouteFilters.newBuilder().setIpAccess(IpAccess.newBuilder().addDeny("10.0.0.0/33"))),
        "invalid CIDR 10.0.0.0/33");
    assertRejected(
        withFilters(
            "cidr2",
            RouteFilters.newBuilder().setIpAccess(IpAccess.newBuilder().addAllow("example.com"))),
        "invalid CIDR example.com");
  }

  @Test
  void cacheGetsTheProtoDefaults() throws Exception {
    var cache =
        compiled(
                withFilters(
                    "cached",
                    RouteFilters.newBuilder()
                        .setCache(
                            dev.weir.api.config.v1.ResponseCache.newBuilder()
                                .setDefaultTtlSeconds(30))))
            .filters()
            .cache();
    assertThat(cache)
        .isEqualTo(
            new dev.weir.dataplane.routing.ResponseCacheSettings(
                "cached", 64L << 20, 1L << 20, 30));
  }

  @Test
  void cacheEntryLargerThanTheWholeCacheIsRejected() {
    assertRejected(
        withFilters(
            "cached",
            RouteFilters.newBuilder()
                .setCache(
                    dev.weir.api.config.v1.ResponseCache.newBuilder()
                        .setMaxBytes(1000)
                        .setMaxEntryBytes(2000))),
        "max_entry_bytes");
  }

  @Test
  void shareOverAMillionIsRejected() {
    assertRejected(
        withFilters(
            "share",
            RouteFilters.newBuilder()
                .setFault(FaultInjection.newBuilder().setDelayMs(5).setDelayPerMillion(1_000_001))),
        "per million");
  }

  @Test
  void rateLimitWithoutRequestsOrIntervalIsRejected() {
    assertRejected(
        withFilters(
            "zero",
            RouteFilters.newBuilder()
                .setRateLimit(LocalRateLimit.newBuilder().setRequests(0).setFillIntervalMs(1000))),
        "requests > 0");
    assertRejected(
        withFilters(
            "zero2",
            RouteFilters.newBuilder()
                .setRateLimit(LocalRateLimit.newBuilder().setRequests(5).setFillIntervalMs(0))),
        "fill_interval_ms > 0");
  }

  @Test
  void abortStatusOutside200To599IsRejected() {
    assertRejected(
        withFilters(
            "abort",
            RouteFilters.newBuilder()
                .setFault(
                    FaultInjection.newBuilder().setAbortStatus(600).setAbortPerMillion(1000))),
        "abort status 600");
    assertRejected(
        withFilters(
            "abort2",
            RouteFilters.newBuilder()
                .setFault(FaultInjection.newBuilder().setAbortStatus(0).setAbortPerMillion(1))),
        "abort status 0");
  }
}
