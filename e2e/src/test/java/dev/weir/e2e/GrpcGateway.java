package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.GrpcClients;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoServiceGrpc;
import dev.weir.testing.grpc.OtherServiceGrpc;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * gRPC calls to the listeners of one {@link GatewayFixture}, each as an authority of its own, and
 * the waiting that GRPCRoute scenarios share: the route may still be on its way to the data plane.
 * Owned by one test class; its channels are closed by {@link #close()}.
 */
final class GrpcGateway implements AutoCloseable {

  private final GatewayFixture gw;
  private final GrpcClients clients = new GrpcClients();

  GrpcGateway(GatewayFixture gw) {
    this.gw = gw;
  }

  /** A blocking EchoService stub to listener {@code http} as {@code authority}. */
  EchoServiceGrpc.EchoServiceBlockingStub echo(String authority) {
    return GrpcClients.echo(clients.channel(gw.port, authority));
  }

  /** A blocking EchoService stub to the listener on {@code port} as {@code authority}. */
  EchoServiceGrpc.EchoServiceBlockingStub echo(int port, String authority) {
    return GrpcClients.echo(clients.channel(port, authority));
  }

  EchoServiceGrpc.EchoServiceStub async(String authority) {
    return GrpcClients.async(clients.channel(gw.port, authority));
  }

  OtherServiceGrpc.OtherServiceBlockingStub other(String authority) {
    return GrpcClients.other(clients.channel(gw.port, authority));
  }

  /** Retries {@code check} briefly: the route may still be on its way to the data plane. */
  void eventually(Runnable check) {
    eventually(Duration.ofSeconds(5), check);
  }

  void eventually(Duration atMost, Runnable check) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              // A listener that opened late must not leave a channel waiting out its backoff.
              clients.resetConnectBackoff();
              check.run();
            });
  }

  /**
   * Waits until each GRPCRoute {@code infra/NAME} of {@code parents} has that many parent statuses,
   * each written by Weir with Accepted and ResolvedRefs true.
   */
  void awaitAcceptedWithResolvedRefs(Map<String, Integer> parents) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                parents.forEach(
                    (name, count) -> {
                      List<RouteParentStatus> statuses = parentStatuses(name);
                      assertThat(statuses).as(name + " parents").hasSize(count);
                      for (RouteParentStatus parent : statuses) {
                        assertThat(parent.getControllerName())
                            .isEqualTo("weir.dev/gateway-controller");
                        assertCondition(name, parent, "Accepted", "Accepted");
                        assertCondition(name, parent, "ResolvedRefs", "ResolvedRefs");
                      }
                    }));
  }

  static EchoRequest hello() {
    return message("hello");
  }

  static EchoRequest message(String text) {
    return EchoRequest.newBuilder().setMessage(text).build();
  }

  private List<RouteParentStatus> parentStatuses(String name) {
    GRPCRoute route = gw.kube.resources(GRPCRoute.class).inNamespace("infra").withName(name).get();
    if (route == null || route.getStatus() == null || route.getStatus().getParents() == null) {
      return List.of();
    }
    return route.getStatus().getParents();
  }

  private static void assertCondition(
      String route, RouteParentStatus parent, String type, String reason) {
    String where =
        route
            + " on "
            + parent.getParentRef().getName()
            + "/"
            + parent.getParentRef().getSectionName();
    Condition condition =
        parent.getConditions().stream()
            .filter(c -> c.getType().equals(type))
            .findFirst()
            .orElseThrow(() -> new AssertionError(where + " has no " + type + " condition"));
    assertThat(condition.getStatus()).as(where + " " + type).isEqualTo("True");
    assertThat(condition.getReason()).as(where + " " + type).isEqualTo(reason);
  }

  @Override
  public void close() throws InterruptedException {
    clients.close();
  }
}
