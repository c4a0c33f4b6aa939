package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.Cluster;
import dev.weir.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * h2load (nghttp2) through the proxy to an h2c backend, next to h2load straight to that backend.
 * Not part of the suite: run with {@code -Dweir.bench=true -Dtest=ProxyHttp2Bench}; it prints
 * h2load's summary lines for both.
 */
@EnabledIfSystemProperty(named = "weir.bench", matches = "true")
class ProxyHttp2Bench {

  @Test
  void h2loadThroughWeirAndDirect() throws Exception {
    try (EchoServer backend = EchoServer.startH2c("bench");
        ProxyFixture proxy = new ProxyFixture()) {
      int port = freePort();
      proxy.apply(
          snapshot()
              .addListeners(http("plain", port, "rt"))
              .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
              .addClusters(
                  cluster("b", backend.port()).toBuilder()
                      .setProtocol(Cluster.Protocol.H2C)
                      .build())
              .build());
      // Warm-up (JIT, pools), then the measured runs.
      h2load(port, "3");
      String direct = h2load(backend.port(), "10");
      String weir = h2load(port, "10");
      System.out.println("=== direct to the h2c backend\n" + direct);
      System.out.println("=== through Weir\n" + weir);
      assertThat(weir).contains("req/s");
    }
  }

  private static String h2load(int port, String seconds) throws Exception {
    return h2load(
        List.of(
            "-D",
            seconds,
            "-c",
            "8",
            "-m",
            "16",
            "-t",
            "1",
            "http://127.0.0.1:" + port + "/bytes/64"));
  }

  /** Runs h2load with {@code args}; returns its summary lines. */
  static String h2load(List<String> args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("h2load"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    StringBuilder summary = new StringBuilder();
    for (String line : out.toString().split("\n")) {
      if (line.startsWith("finished in")
          || line.startsWith("requests:")
          || line.startsWith("status codes:")
          || line.startsWith("time for request:")) {
        summary.append(line).append('\n');
      }
    }
    return summary.toString();
  }
}
