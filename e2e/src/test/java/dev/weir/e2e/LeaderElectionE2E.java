package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two controller replicas against one API server, and one data plane that knows both ({@code
 * --controller A,B}). Each replica publishes a different address, so the Ingress status shows who
 * wrote it: only the leader does. The leader is then killed (SIGKILL: its Lease is not released)
 * under load, and the standby takes over within the Lease time while no request fails.
 */
class LeaderElectionE2E {

  private static final String HOST = "lead.example.com";
  private static final String ADDRESS_A = "203.0.113.1";
  private static final String ADDRESS_B = "203.0.113.2";
  private static final Duration LEASE = Duration.ofMillis(2000);

  private static MockApiServer api;
  private static KubernetesClient kube;
  private static EchoServer one;
  private static EchoServer two;
  private static Replica a;
  private static Replica b;
  private static WeirProcess dataplane;
  private static int httpPort;
  private static int httpsPort;
  private static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** One controller process, with its gRPC port and the address it publishes. */
  private record Replica(WeirProcess process, int grpcPort, String address) {
    int readyz() {
      return WeirStack.status(http, "http://127.0.0.1:" + process.port("admin") + "/readyz");
    }

    String nodes() throws IOException, InterruptedException {
      return get("http://127.0.0.1:" + process.port("admin") + "/nodes");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "e2e", LeaderElectionE2E.class.getSimpleName());
    one = EchoServer.start("one");
    two = EchoServer.start("two");
    api = new MockApiServer(dir);
    kube = api.client();
    api.createService("app", one);
    api.createService("other", two);
    kube.resource(KubeObjects.ingress("lead", HOST, KubeObjects.path("Prefix", "/", "app")))
        .create();
    // Both replicas put the same listener ports in their snapshots, so they build the same version.
    httpPort = WeirStack.freePort();
    httpsPort = WeirStack.freePort();
    a = replica(dir.resolve("a"), ADDRESS_A);
    await().atMost(Duration.ofSeconds(20)).until(() -> a.readyz() == 200);
    b = replica(dir.resolve("b"), ADDRESS_B);
    b.process().port("admin");
    dataplane =
        WeirProcess.dataplane(
            dir,
            "--controller",
            "127.0.0.1:" + a.grpcPort() + ",127.0.0.1:" + b.grpcPort(),
            "--node-id",
            "e2e-dataplane",
            "--bind-address",
            "127.0.0.1",
            "--probe-port",
            "0",
            "--admin-port",
            "0");
    dataplane.port("probe");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> backend("/").equals("one"));
  }

  private static Replica replica(Path logDir, String address) {
    int grpc = WeirStack.freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kubeconfig",
                api.kubeconfig().toString(),
                "--publish-address",
                address,
                "--grpc-port",
                Integer.toString(grpc),
                "--admin-port",
                "0",
                "--http-port",
                Integer.toString(httpPort),
                "--https-port",
                Integer.toString(httpsPort),
                "--debounce-ms",
                "50",
                "--leader-election-namespace",
                "weir-system"));
    args.addAll(WeirStack.SHORT_LEASE);
    return new Replica(WeirProcess.controller(logDir, args.toArray(String[]::new)), grpc, address);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {dataplane, b.process(), a.process(), api}) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing the rest matters more.
      }
    }
    one.close();
    two.close();
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOverUnderLoadWhenItDies() throws Exception {
    // Only a writes: the Ingress shows a's address, and keeps showing it while b runs.
    await().atMost(Duration.ofSeconds(10)).until(() -> published("lead").equals(ADDRESS_A));
    assertThat(a.readyz()).isEqualTo(200);
    assertThat(b.readyz()).isEqualTo(503);
    kube.resource(KubeObjects.ingress("before", "before.example.com", route("/", "app"))).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> published("before").equals(ADDRESS_A));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> published("lead").equals(ADDRESS_A));
    String bLog = b.process().output();
    assertThat(bLog.substring(bLog.lastIndexOf("=== start ")))
        .doesNotContain("status.loadBalancer set to");
    assertThat(a.nodes()).contains("e2e-dataplane");

    LoadLoop load = new LoadLoop(http, () -> request(HOST, "/steady"), 100);
    Duration takeover;
    Duration reconnect;
    try (load) {
      long okBefore = load.ok();
      await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > okBefore + 50);
      long killed = System.nanoTime();
      a.process().kill();
      // The new leader rewrites every owned Ingress from its own state at once.
      await()
          .atMost(LEASE.multipliedBy(4))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> published("lead").equals(ADDRESS_B));
      takeover = Duration.ofNanos(System.nanoTime() - killed);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> b.nodes().contains("\"connected\" : true"));
      reconnect = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(b.readyz()).isEqualTo(200);

      // A change after the failover reaches the data plane through the new leader, and its status
      // is the new leader's.
      api.update(
          KubeObjects.ingress("lead", HOST, route("/", "app"), route("/after-failover", "other")));
      kube.resource(KubeObjects.ingress("after", "after.example.com", route("/", "other")))
          .create();
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> backend("/after-failover").equals("two"));
      await().atMost(Duration.ofSeconds(10)).until(() -> published("after").equals(ADDRESS_B));
    }
    System.out.printf(
        "leader failover (lease %d ms): new leader wrote status after %d ms, data plane"
            + " reconnected after %d ms; load %s%n",
        LEASE.toMillis(), takeover.toMillis(), reconnect.toMillis(), load);
    assertThat(load.failures()).isEmpty();
    assertThat(load.ok()).isGreaterThan(100);
    assertThat(takeover).isLessThan(LEASE.multipliedBy(2));
  }

  private static io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath route(
      String path, String service) {
    return KubeObjects.path("Prefix", path, service);
  }

  /** The first address in the Ingress's {@code status.loadBalancer}, or "". */
  private static String published(String name) {
    Ingress i = kube.network().v1().ingresses().inNamespace(KubeObjects.NS).withName(name).get();
    if (i == null || i.getStatus() == null || i.getStatus().getLoadBalancer() == null) {
      return "";
    }
    List<IngressLoadBalancerIngress> lb = i.getStatus().getLoadBalancer().getIngress();
    return lb == null || lb.isEmpty() ? "" : lb.getFirst().getIp();
  }

  private static String backend(String path) throws IOException, InterruptedException {
    return http.send(request(HOST, path), HttpResponse.BodyHandlers.discarding())
        .headers()
        .firstValue("x-backend")
        .orElse("");
  }

  private static HttpRequest request(String host, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .header("Host", host)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private static String get(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
