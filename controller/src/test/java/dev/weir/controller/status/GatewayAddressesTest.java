package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.GatewayStatus;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayAddressesTest {

  private static final List<String> PUBLISHED = List.of("203.0.113.10", "lb.example.com");

  private static GatewaySpecAddress address(String type, String value) {
    GatewaySpecAddress a = new GatewaySpecAddress();
    a.setType(type);
    a.setValue(value);
    return a;
  }

  @Test
  void noRequestGetsEveryPublishedAddress() {
    GatewayAddresses.Assignment a = GatewayAddresses.assign(List.of(), PUBLISHED);
    assertThat(a.addresses()).isEqualTo(PUBLISHED);
    assertThat(a.programmed()).isEmpty();
    assertThat(GatewayAddresses.assign(null, PUBLISHED).addresses()).isEqualTo(PUBLISHED);
  }

  @Test
  void aPublishedValueIsAssignedAlone() {
    GatewayAddresses.Assignment a =
        GatewayAddresses.assign(List.of(address("IPAddress", "203.0.113.10")), PUBLISHED);
    assertThat(a.addresses()).containsExactly("203.0.113.10");
    assertThat(a.programmed()).isEmpty();
  }

  @Test
  void anUnpublishedValueIsNotUsable() {
    GatewayAddresses.Assignment a =
        GatewayAddresses.assign(
            List.of(address(null, "198.51.100.7"), address("IPAddress", "203.0.113.10")),
            PUBLISHED);
    assertThat(a.addresses()).containsExactly("203.0.113.10");
    assertThat(a.programmed())
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isFalse();
              assertThat(c.reason()).isEqualTo("AddressNotUsable");
              assertThat(c.message()).contains("198.51.100.7");
            });
  }

  @Test
  void aValueOfTheWrongTypeIsNotUsable() {
    GatewayAddresses.Assignment a =
        GatewayAddresses.assign(List.of(address("IPAddress", "lb.example.com")), PUBLISHED);
    assertThat(a.programmed()).map(Condition::reason).hasValue("AddressNotUsable");
  }

  @Test
  void anEmptyValueIsAssignedAPublishedAddressOfItsType() {
    GatewayAddresses.Assignment a =
        GatewayAddresses.assign(
            List.of(address("Hostname", null), address("IPAddress", "")), PUBLISHED);
    assertThat(a.addresses()).containsExactly("lb.example.com", "203.0.113.10");
    assertThat(a.programmed()).isEmpty();
  }

  @Test
  void anEmptyValueWithNothingLeftIsNotAssigned() {
    GatewayAddresses.Assignment a =
        GatewayAddresses.assign(
            List.of(address("IPAddress", "203.0.113.10"), address("IPAddress", null)), PUBLISHED);
    assertThat(a.addresses()).containsExactly("203.0.113.10");
    assertThat(a.programmed()).map(Condition::reason).hasValue("AddressNotAssigned");
  }

  @Test
  void programmedIsReplacedOnlyOnAnAcceptedGateway() {
    GatewayAddresses.Assignment bad =
        GatewayAddresses.assign(List.of(address(null, "198.51.100.7")), PUBLISHED);
    GatewayStatus accepted = gateway(new Condition("Accepted", true, "Accepted", "ok"));
    assertThat(GatewayAddresses.withProgrammed(accepted, bad).conditions())
        .extracting(Condition::reason)
        .containsExactly("Accepted", "AddressNotUsable");
    GatewayStatus rejected =
        gateway(new Condition("Accepted", false, "UnsupportedAddress", "bad type"));
    assertThat(GatewayAddresses.withProgrammed(rejected, bad)).isSameAs(rejected);
  }

  private static GatewayStatus gateway(Condition accepted) {
    return new GatewayStatus(
        new ObjectRef("Gateway", "default", "gw"),
        1,
        List.of(accepted, new Condition("Programmed", true, "Programmed", "ok")),
        List.of(),
        List.of());
  }
}
