package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gateway {@code spec.addresses}, modelled on the upstream conformance tests GatewayStaticAddresses
 * and GatewayOptionalAddressValue. The controller publishes the data plane at {@link
 * WeirStack#PUBLISHED_ADDRESS} ({@code --publish-address}): that is the usable address, any other
 * IP is unusable, and an address type Weir does not know is invalid.
 */
class GatewayAddressesE2E {

  private static final String UNUSABLE = "198.51.100.7";
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws IOException {
    gw = new GatewayFixture(GatewayAddressesE2E.class);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @Tag("feature=Gateway")
  @Tag("feature=GatewayStaticAddresses")
  void staticAddressesAreCheckedAgainstThePublishedOnes() {
    String name = "gateway-static-addresses";
    int port = WeirStack.freePort();
    String invalid = "    - {type: test/fake-invalid-type, value: \"1.2.3.4\"}\n";
    String unusable = "    - {type: IPAddress, value: \"" + UNUSABLE + "\"}\n";
    String usable = "    - {type: IPAddress, value: \"" + WeirStack.PUBLISHED_ADDRESS + "\"}\n";

    applyGateway(name, port, invalid + unusable + usable);
    awaitCondition(name, "Accepted", "False", "UnsupportedAddress");

    applyGateway(name, port, unusable + usable);
    awaitCondition(name, "Accepted", "True", "Accepted");
    awaitCondition(name, "Programmed", "False", "AddressNotUsable");

    applyGateway(name, port, usable);
    awaitCondition(name, "Accepted", "True", "Accepted");
    awaitCondition(name, "Programmed", "True", "Programmed");
    assertThat(addresses(name))
        .extracting(GatewayStatusAddress::getType, GatewayStatusAddress::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("IPAddress", WeirStack.PUBLISHED_ADDRESS));
    for (String type : List.of("Accepted", "ResolvedRefs")) {
      assertThat(gw.listenerCondition(GatewayFixture.NS, name, "http", type))
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    }
  }

  @Test
  @Tag("feature=Gateway")
  @Tag("feature=GatewayAddressEmpty")
  void anAddressWithoutValueIsAssignedOne() {
    String name = "gateway-without-address-value";
    applyGateway(name, WeirStack.freePort(), "    - {type: IPAddress}\n");
    awaitCondition(name, "Programmed", "True", "Programmed");
    assertThat(addresses(name))
        .extracting(GatewayStatusAddress::getType, GatewayStatusAddress::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("IPAddress", WeirStack.PUBLISHED_ADDRESS));
  }

  private static void applyGateway(String name, int port, String addresses) {
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: infra}
        spec:
          gatewayClassName: weir
          addresses:
        %s  listeners:
          - {name: http, port: %d, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}]}}
        """
            .formatted(name, addresses, port));
  }

  private static void awaitCondition(String name, String type, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(gw.gatewayCondition(GatewayFixture.NS, name, type))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo(status);
                          assertThat(c.getReason()).isEqualTo(reason);
                        }));
  }

  private static List<GatewayStatusAddress> addresses(String name) {
    Gateway g = gw.gateway(GatewayFixture.NS, name);
    return g == null || g.getStatus() == null ? List.of() : g.getStatus().getAddresses();
  }
}
