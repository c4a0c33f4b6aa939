package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Conformance GatewayWithAttachedRoutesWithPort8080: a Gateway with a listener on the literal port
 * 8080 beside one that has a route attached. A Gateway listener's port is the data plane's socket
 * port, so the data plane really binds 8080 here. To keep that from colliding with whatever holds
 * 8080 on 127.0.0.1 on a test machine, this scenario's data plane binds a loopback address of its
 * own (Linux routes all of 127.0.0.0/8 to the loopback interface), picked at random and checked to
 * have 8080 free. Only when 8080 is taken on every address tried (a wildcard bind by another
 * program) does the scenario abort, saying so; the report then does not count it as passed.
 */
class GatewayPort8080E2E {

  private static final int PORT_8080 = 8080;
  private static GatewayFixture gw;
  private static String skipReason = "";

  @BeforeAll
  static void start() throws IOException {
    String address = loopbackWithFree8080();
    if (address.isEmpty()) {
      return;
    }
    gw = new GatewayFixture(GatewayPort8080E2E.class, address);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway-with-two-listeners-and-one-attached-route, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - name: http-unattached
            port: %d
            protocol: HTTP
            allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: All}}
          - name: http
            port: %d
            protocol: HTTP
            allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: All}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: http-route-4-port-8080, namespace: infra}
        spec:
          parentRefs:
          - {kind: Gateway, name: gateway-with-two-listeners-and-one-attached-route,
             namespace: infra, sectionName: http}
          rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
        """
            .formatted(PORT_8080, WeirStack.freePort()));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @Tag("feature=Gateway")
  @Tag("feature=GatewayPort8080")
  void listenerOnPort8080IsProgrammedAndServes() throws Exception {
    Assumptions.assumeTrue(gw != null, skipReason);
    String name = "gateway-with-two-listeners-and-one-attached-route";
    // The Gateway and both listeners are programmed: the data plane bound 8080 and ACKed.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(gw.gatewayCondition(GatewayFixture.NS, name, "Programmed"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(listeners(name))
                  .extracting(ListenerStatus::getName, ListenerStatus::getAttachedRoutes)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("http-unattached", 0),
                      org.assertj.core.groups.Tuple.tuple("http", 1));
              for (String listener : List.of("http-unattached", "http")) {
                assertThat(
                        gw.listenerCondition(GatewayFixture.NS, name, listener, "Programmed")
                            .map(c -> c.getStatus()))
                    .hasValue("True");
              }
            });
    // Port 8080 is Weir's: no route is attached there, so Weir itself answers 404.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(gw.send(PORT_8080, "any.example.com", "/", "GET").statusCode())
                    .isEqualTo(404));
    // Attaching a route to the 8080 listener makes it serve there.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: route-on-8080, namespace: infra}
        spec:
          parentRefs:
          - {name: gateway-with-two-listeners-and-one-attached-route, sectionName: http-unattached}
          rules: [{backendRefs: [{name: infra-backend-v2, port: 8080}]}]
        """);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(backend(gw.send(PORT_8080, "any.example.com", "/", "GET")))
                    .isEqualTo("infra-backend-v2"));
  }

  private static List<ListenerStatus> listeners(String name) {
    Gateway g = gw.gateway(GatewayFixture.NS, name);
    return g == null || g.getStatus() == null ? List.of() : g.getStatus().getListeners();
  }

  /**
   * A loopback address on which port 8080 can be bound right now, or "" (with {@link #skipReason}
   * set) when every one tried is taken.
   */
  private static String loopbackWithFree8080() {
    List<String> tried = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String address = "127.80." + ThreadLocalRandom.current().nextInt(1, 255) + ".1";
      tried.add(address);
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(InetAddress.getByName(address), PORT_8080));
        return address;
      } catch (IOException e) {
        // taken here (or by a wildcard bind): try another address
      }
    }
    skipReason = "port 8080 is taken on every loopback address tried: " + tried;
    return "";
  }
}
