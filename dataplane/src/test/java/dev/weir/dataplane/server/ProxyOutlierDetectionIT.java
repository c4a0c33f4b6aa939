package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.OutlierDetection;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.testing.EchoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Passive outlier detection over real sockets: the exchanges' outcomes eject an endpoint. */
class ProxyOutlierDetectionIT {

  private final ProxyFixture proxy = new ProxyFixture();
  private final EchoServer good = EchoServer.start("good");

  @AfterEach
  void close() {
    proxy.close();
    good.close();
  }

  private int apply(Cluster cluster) throws Exception {
    int port = Snapshots.freePort();
    proxy.apply(
        Snapshots.snapshot()
            .addListeners(Snapshots.http("web", port, "rt"))
            .addRouteTables(
                Snapshots.table(
                    "rt", Snapshots.vhost("any", List.of("*"), Snapshots.prefix("all", "/", "b"))))
            .addClusters(cluster)
            .build());
    return port;
  }

  private List<Integer> statuses(int port, int n) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(proxy.get(port, "/").statusCode());
    }
    return out;
  }

  @Test
  void aBackendAnswering500sIsEjectedThenReturnsAfterTheEjection() throws Exception {
    try (ScriptedBackend bad =
        new ScriptedBackend(
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n", false)) {
      int port =
          apply(
              Snapshots.cluster("b", good.port(), bad.port()).toBuilder()
                  .setOutlierDetection(
                      OutlierDetection.newBuilder()
                          .setConsecutive5Xx(3)
                          .setBaseEjectionMs(1500)
                          .setMaxEjectionPercent(50))
                  .build());
      // Round robin: the bad backend gets every other request, so six requests give it three.
      assertThat(statuses(port, 6)).contains(500);
      long ejectedAt = System.nanoTime();
      assertThat(statuses(port, 10)).containsOnly(200);

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> proxy.get(port, "/").statusCode() == 500);
      assertThat(Duration.ofNanos(System.nanoTime() - ejectedAt))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }
  }

  @Test
  void connectFailuresEjectAClosedEndpoint() throws Exception {
    int closed = Snapshots.freePort();
    int port =
        apply(
            Snapshots.cluster("b", good.port(), closed).toBuilder()
                .setOutlierDetection(
                    OutlierDetection.newBuilder()
                        .setConsecutiveConnectFailures(2)
                        .setBaseEjectionMs(60_000)
                        .setMaxEjectionPercent(50))
                .build());
    // A failed connect is retried on the other endpoint, so every request succeeds.
    assertThat(statuses(port, 6)).containsOnly(200);
    var health = proxy.runtime.configApplier().config().clusters().get("b").health();
    assertThat(health.available(new UpstreamEndpoint("127.0.0.1", closed))).isFalse();
    assertThat(health.available(new UpstreamEndpoint("127.0.0.1", good.port()))).isTrue();
  }
}
