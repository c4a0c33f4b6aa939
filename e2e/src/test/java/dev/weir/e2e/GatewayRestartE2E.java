package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Status across a controller restart: what changed while the controller was down is applied and
 * reported once it is back (observedGeneration catches up, Programmed follows the pods' ACKs), and
 * a NACK still shows after the restart instead of being forgotten.
 */
class GatewayRestartE2E {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayRestartE2E.class);
    gw.api.apply(route("infra-backend-v1"));
  }

  private static String route(String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: restart, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [restart.example.com]
          rules: [{backendRefs: [{name: %s, port: 8080}]}]
        """
        .formatted(backend);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @Tag("feature=Gateway")
  void statusCatchesUpWithChangesMadeWhileTheControllerWasDown() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> backend(gw.get("restart.example.com", "/")).equals("infra-backend-v1"));
    gw.weir.controller.kill();
    gw.api.apply(route("infra-backend-v2"));
    long generation = gw.route("infra", "restart").getMetadata().getGeneration();
    // The data plane keeps serving what it had.
    assertThat(backend(gw.get("restart.example.com", "/"))).isEqualTo("infra-backend-v1");
    gw.weir.controller.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(backend(gw.get("restart.example.com", "/"))).isEqualTo("infra-backend-v2");
              assertThat(gw.routeCondition("infra", "restart", "same-namespace", "Accepted"))
                  .hasValueSatisfying(
                      c -> assertThat(c.getObservedGeneration()).isEqualTo(generation));
              assertThat(gw.gatewayCondition("infra", "same-namespace", "Programmed"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }

  @Test
  @Tag("feature=Gateway")
  void aNackStillShowsAfterTheControllerRestarts() throws Exception {
    try (GatewayFixture.BlockedGateway blocked = gw.blockedGateway("blocked")) {
      gw.weir.controller.kill();
      gw.weir.controller.start();
      gw.weir.controller.port("grpc");
      // After the restart the pod is sent the same snapshot, NACKs it again, and the status
      // stays Invalid with the pod named: nothing stale claims it was programmed.
      await()
          .pollDelay(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                // The new controller must have seen the NACK itself: the status written before the
                // restart says the same, so it alone would pass before the new one has built.
                assertThat(gw.weir.nodes()).contains("\"lastNack\" : {");
                assertThat(gw.gatewayCondition("infra", "blocked", "Programmed"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Invalid");
                          assertThat(c.getMessage()).contains("e2e-dataplane");
                        });
              });
    }
  }
}
