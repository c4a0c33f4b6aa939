package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Route;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's subsystem meters with real clients and backends: client connections by protocol and
 * HTTP/2 streams, the upstream pool per backend (reuse, connect errors, gauges dropped with their
 * cluster) and the applied config.
 */
class ProxySubsystemMetricsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private EchoServer echo;
  private GatedBackend held;
  private ProxyFixture proxy;
  private int port;
  private int closedPort;

  @BeforeEach
  void start() throws Exception {
    echo = EchoServer.start("echo");
    held = GatedBackend.heldOk();
    proxy = new ProxyFixture();
    port = Snapshots.freePort();
    closedPort = Snapshots.freePort();
    proxy.apply(config("v1", true));
  }

  @AfterEach
  void stop() throws Exception {
    held.open();
    proxy.close();
    held.close();
    echo.close();
  }

  /** Routes /held to the gated backend, /down (if kept) to a closed port, the rest to echo. */
  private ConfigSnapshot config(String version, boolean withDown) {
    List<Route> routes = new ArrayList<>();
    routes.add(prefix("held", "/held", "default/held:80"));
    if (withDown) {
      routes.add(prefix("down", "/down", "default/down:80"));
    }
    routes.add(prefix("echo", "/", "default/echo:80"));
    ConfigSnapshot.Builder b =
        snapshot()
            .setVersion(version)
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("any", List.of("*"), routes.toArray(Route[]::new))))
            .addClusters(cluster("default/echo:80", echo.port()))
            .addClusters(cluster("default/held:80", held.port()));
    if (withDown) {
      b.addClusters(cluster("default/down:80", closedPort));
    }
    return b.build();
  }

  @Test
  void clientConnectionsAreCountedByProtocolAndStreamsWhileOpen() throws Exception {
    assertThat(proxy.get(port, "/a").statusCode()).isEqualTo(200);
    assertThat(proxy.get(port, "/b").statusCode()).isEqualTo(200);
    // The JDK client keeps its connection: one accepted, one open.
    PrometheusText text = scrape();
    assertThat(text.sum("weir_downstream_connections_total", Map.of("protocol", "http1")))
        .isEqualTo(1);
    assertThat(text.sum("weir_downstream_connections_active", Map.of("protocol", "http1")))
        .isEqualTo(1);
    assertThat(text.sum("weir_downstream_connections_total", Map.of("protocol", "http2"))).isZero();

    // An h2c request held by the backend: one HTTP/2 connection and one stream open meanwhile.
    CompletableFuture<ProxyTrafficFiltersIT.Reply> pending =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ProxyTrafficFiltersIT.curl(port, "h2c", "/held");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(WAIT).until(() -> scrape().sum("weir_downstream_streams_active", Map.of()) == 1);
    assertThat(scrape().sum("weir_downstream_connections_active", Map.of("protocol", "http2")))
        .isEqualTo(1);
    held.open();
    assertThat(pending.get().status()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(
            () ->
                scrape().sum("weir_downstream_connections_active", Map.of("protocol", "http2"))
                    == 0);
    text = scrape();
    assertThat(text.sum("weir_downstream_streams_active", Map.of())).isZero();
    assertThat(text.sum("weir_downstream_connections_total", Map.of("protocol", "http2")))
        .isEqualTo(1);
  }

  @Test
  void keepAliveReusesUpstreamConnections() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(proxy.get(port, "/item").statusCode()).isEqualTo(200);
    }
    Map<String, String> echoBackend = Map.of("backend", "default/echo:80");
    // The last connection goes back to the pool just after its response.
    await()
        .atMost(WAIT)
        .until(() -> scrape().sum("weir_upstream_connections_idle", echoBackend) >= 1);
    PrometheusText text = scrape();
    assertThat(text.sum("weir_upstream_requests_total", echoBackend)).isEqualTo(20);
    assertThat(text.sum("weir_upstream_connections_opened_total", echoBackend))
        .isBetween(1.0, 2.0); // one per io thread at most
    assertThat(text.sum("weir_upstream_connections_open", echoBackend))
        .isEqualTo(text.sum("weir_upstream_connections_opened_total", echoBackend));
    assertThat(text.sum("weir_upstream_connect_errors_total", echoBackend)).isZero();
  }

  @Test
  void refusedConnectionsAreCountedAndARemovedClusterLosesItsMeters() throws Exception {
    assertThat(proxy.get(port, "/down").statusCode()).isIn(502, 503);
    Map<String, String> down = Map.of("backend", "default/down:80");
    PrometheusText text = scrape();
    assertThat(
            text.sum(
                "weir_upstream_connect_errors_total",
                Map.of("backend", "default/down:80", "reason", "refused")))
        .isGreaterThanOrEqualTo(1);
    assertThat(text.sum("weir_upstream_connections_opened_total", down)).isZero();
    assertThat(text.find("weir_upstream_connections_open", down)).hasSize(1);

    proxy.apply(config("v2", false));

    text = scrape();
    assertThat(text.find("weir_upstream_connections_open", down)).isEmpty();
    assertThat(text.find("weir_upstream_connect_errors_total", down)).isEmpty();
  }

  @Test
  void appliedConfigIsPublishedAsGenerationVersionAndApplyTime() throws Exception {
    ConfigSnapshot next = config("v2", true);
    proxy.apply(next);

    PrometheusText text = scrape();
    assertThat(text.sum("weir_config_generation", Map.of())).isEqualTo(next.getGeneration());
    assertThat(text.find("weir_config_info", Map.of())).hasSize(1);
    assertThat(text.sum("weir_config_info", Map.of("version", "v2"))).isEqualTo(1);
    assertThat(text.sum("weir_config_apply_duration_seconds_count", Map.of())).isEqualTo(2);

    // A rejected snapshot is timed too, and changes nothing else.
    ConfigSnapshot bad =
        config("v3", true).toBuilder().addListeners(http("again", port, "no-such-table")).build();
    assertThatThrownBy(() -> proxy.apply(bad)).isInstanceOf(SnapshotRejectedException.class);
    text = scrape();
    assertThat(text.sum("weir_config_apply_duration_seconds_count", Map.of())).isEqualTo(3);
    assertThat(text.sum("weir_config_generation", Map.of())).isEqualTo(next.getGeneration());
    assertThat(text.find("weir_config_info", Map.of("version", "v3"))).isEmpty();
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(proxy.runtime.telemetry().scrape());
  }
}
