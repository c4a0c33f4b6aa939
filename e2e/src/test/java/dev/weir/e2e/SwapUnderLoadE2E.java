package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Continuous load on keep-alive connections while the controller pushes 50 snapshots, and the
 * controller killed and restarted: not one request may fail.
 */
class SwapUnderLoadE2E {

  private static final String HOST = "load.example.com";
  private static MockApiServer api;
  private static KubernetesClient kube;
  private static WeirStack weir;
  private static EchoServer one;
  private static EchoServer two;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "e2e", SwapUnderLoadE2E.class.getSimpleName());
    one = EchoServer.start("one");
    two = EchoServer.start("two");
    api = new MockApiServer(dir);
    kube = api.client();
    // "app" and "other" have different backends, so a response shows which route served it.
    api.createService("app", one);
    api.createService("other", two);
    kube.resource(ingress(0)).create();
    weir = WeirStack.kubernetes(dir, api.kubeconfig());
    weir.awaitReady();
    await().atMost(Duration.ofSeconds(10)).until(() -> weir.get(HOST, "/").statusCode() == 200);
  }

  /** The Ingress at step {@code n}: "/" on app, plus n extra paths, so each step is a change. */
  private static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(int n) {
    List<HTTPIngressPath> paths = new ArrayList<>();
    paths.add(KubeObjects.path("Prefix", "/", "app"));
    for (int i = 0; i < n % 7; i++) {
      paths.add(KubeObjects.path("Prefix", "/extra-" + n + "-" + i, "other"));
    }
    return KubeObjects.ingress("load", HOST, paths.toArray(HTTPIngressPath[]::new));
  }

  @AfterAll
  static void stop() {
    if (weir != null) {
      weir.close();
    }
    api.close();
    one.close();
    two.close();
  }

  @Test
  void fiftySnapshotSwapsUnder200RequestsPerSecondFailNothing() throws Exception {
    LoadLoop load = new LoadLoop(weir.client(), () -> weir.request(HOST, "/steady"), 200);
    try (load) {
      for (int i = 1; i <= 50; i++) {
        String before = weir.servingVersion();
        api.update(ingress(i));
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> !weir.servingVersion().equals(before));
      }
    }
    System.out.println("swap under load: " + load);
    assertThat(load.failures()).isEmpty();
    assertThat(load.ok()).isGreaterThan(200);
    // Keep-alive held: far fewer upstream connections than requests.
    assertThat(one.connectionsAccepted() + two.connectionsAccepted()).isLessThan(load.ok() / 10);
  }

  @Test
  void controllerKilledAndRestartedTrafficUninterruptedAndDataplaneResyncs() throws Exception {
    LoadLoop load = new LoadLoop(weir.client(), () -> weir.request(HOST, "/steady"), 100);
    try (load) {
      weir.controller.kill();
      // Traffic goes on while the controller is gone.
      long okBefore = load.ok();
      await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > okBefore + 100);
      weir.controller.start();
      weir.controller.port("grpc");
      // A change made after the restart reaches the data plane: it reconnected and re-synced.
      api.update(
          KubeObjects.ingress(
              "load",
              HOST,
              KubeObjects.path("Prefix", "/", "app"),
              KubeObjects.path("Exact", "/after-restart", "other")));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  "two"
                      .equals(
                          weir.get(HOST, "/after-restart")
                              .headers()
                              .firstValue("x-backend")
                              .orElse("")));
    }
    System.out.println("controller restart under load: " + load);
    assertThat(load.failures()).isEmpty();
  }
}
