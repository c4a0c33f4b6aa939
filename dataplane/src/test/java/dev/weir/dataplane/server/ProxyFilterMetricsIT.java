package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ExternalAuth;
import dev.weir.api.config.v1.JwtAuthentication;
import dev.weir.api.config.v1.JwtProvider;
import dev.weir.api.config.v1.LocalRateLimit;
import dev.weir.api.config.v1.PluginFilter;
import dev.weir.api.config.v1.ResponseCache;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in filters' decisions as meters, through a running proxy: rate-limit decisions, cache
 * lookups, JWT and external-authorization decisions and plugin failures, each labelled by the
 * route's object (never by the path).
 */
class ProxyFilterMetricsIT {

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("echo");
    proxy = new ProxyFixture(FilterPlugins.of(List.of(new ProxyPluginFiltersIT.GatePlugin())));
    port = Snapshots.freePort();
    int closed = Snapshots.freePort();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(
                table(
                    "rt",
                    vhost(
                        "vh",
                        List.of("*"),
                        route(
                            "limited",
                            "/limited",
                            RouteFilters.newBuilder()
                                .setRateLimit(
                                    LocalRateLimit.newBuilder()
                                        .setRequests(1)
                                        .setFillIntervalMs(60_000)
                                        .setRoute(true))),
                        route(
                            "cached",
                            "/cached",
                            RouteFilters.newBuilder()
                                .setCache(ResponseCache.newBuilder().setDefaultTtlSeconds(60))),
                        route(
                            "jwt",
                            "/jwt",
                            RouteFilters.newBuilder()
                                .setJwt(
                                    JwtAuthentication.newBuilder()
                                        .addProviders(
                                            JwtProvider.newBuilder()
                                                .setName("idp")
                                                .setIssuer("https://idp.example")
                                                .setJwksUri(
                                                    "http://127.0.0.1:" + closed + "/jwks")))),
                        route(
                            "ext",
                            "/ext",
                            RouteFilters.newBuilder()
                                .setExtAuth(
                                    ExternalAuth.newBuilder()
                                        .setUrl("http://127.0.0.1:" + closed)
                                        .setTimeoutMs(2000))),
                        route(
                            "plugged",
                            "/plugged",
                            RouteFilters.newBuilder()
                                .addPlugins(
                                    PluginFilter.newBuilder()
                                        .setName("gate")
                                        .setConfigJson("{\"throwOn\": \"/plugged/boom\"}")
                                        .setSource("default/gate"))))))
            .addClusters(cluster("alpha", backend.port()))
            .build());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private static Route route(String name, String prefix, RouteFilters.Builder filters) {
    return ProxyTrafficFiltersIT.route("httproute/default/" + name + "/r0/m0", prefix, filters);
  }

  @Test
  void rateLimitDecisionsAreCountedByRoute() throws Exception {
    assertThat(proxy.get(port, "/limited/a").statusCode()).isEqualTo(200);
    assertThat(proxy.get(port, "/limited/b").statusCode()).isEqualTo(429);
    assertThat(proxy.get(port, "/limited/c").statusCode()).isEqualTo(429);

    PrometheusText text = scrape();
    String route = "httproute/default/limited";
    assertThat(
            text.sum(
                "weir_rate_limit_decisions_total", Map.of("route", route, "decision", "allowed")))
        .isEqualTo(1);
    assertThat(
            text.sum(
                "weir_rate_limit_decisions_total", Map.of("route", route, "decision", "limited")))
        .isEqualTo(2);
  }

  @Test
  void cacheLookupsAreCountedByResult() throws Exception {
    assertThat(proxy.get(port, "/cached/x").headers().firstValue("cache-status"))
        .hasValue("weir; fwd=miss");
    // The entry is stored as the body streams down, just after the response reached the client.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                proxy
                    .get(port, "/cached/x")
                    .headers()
                    .firstValue("cache-status")
                    .orElse("")
                    .startsWith("weir; hit"));

    PrometheusText text = scrape();
    String route = "httproute/default/cached";
    assertThat(text.sum("weir_cache_lookups_total", Map.of("route", route, "result", "hit")))
        .isEqualTo(1);
    assertThat(text.sum("weir_cache_lookups_total", Map.of("route", route, "result", "miss")))
        .isGreaterThanOrEqualTo(1);
    assertThat(backend.requests())
        .isEqualTo(
            (long) text.sum("weir_cache_lookups_total", Map.of("route", route, "result", "miss")));
  }

  @Test
  void authDecisionsAreCountedByKind() throws Exception {
    // No token: JWT denies before any key is needed.
    assertThat(proxy.get(port, "/jwt").statusCode()).isEqualTo(401);
    // The authorization service cannot be reached and the route does not fail open: 503, an error.
    assertThat(proxy.get(port, "/ext").statusCode()).isEqualTo(503);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                scrape()
                        .sum(
                            "weir_auth_decisions_total",
                            Map.of("kind", "ext_auth", "decision", "error"))
                    == 1);
    PrometheusText text = scrape();
    assertThat(
            text.sum(
                "weir_auth_decisions_total",
                Map.of("route", "httproute/default/jwt", "kind", "jwt", "decision", "denied")))
        .isEqualTo(1);
    assertThat(text.sum("weir_auth_decisions_total", Map.of("route", "httproute/default/ext")))
        .isEqualTo(1);
    assertThat(backend.requests()).isZero();
  }

  @Test
  void pluginFailuresAreCountedByRouteAndPlugin() throws Exception {
    assertThat(proxy.get(port, "/plugged/boom").statusCode()).isEqualTo(500);
    assertThat(proxy.get(port, "/plugged/fine").statusCode()).isEqualTo(200);

    List<PrometheusText.Sample> failures =
        scrape().find("weir_plugin_failures_total", Map.of("route", "httproute/default/plugged"));
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).value()).isEqualTo(1);
    assertThat(failures.get(0).labels().get("plugin")).contains("GatePlugin");
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(proxy.runtime.telemetry().scrape());
  }
}
