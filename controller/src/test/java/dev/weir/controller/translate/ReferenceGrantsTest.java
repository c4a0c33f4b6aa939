package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceGrantsTest {

  private static final String GW = ReferenceGrants.GATEWAY_GROUP;

  private static ReferenceGrant grant(String namespace, String toName) {
    return new ReferenceGrantBuilder()
        .withNewMetadata()
        .withName("g")
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .addNewFrom()
        .withGroup(GW)
        .withKind("HTTPRoute")
        .withNamespace("apps")
        .endFrom()
        .addNewTo()
        .withGroup("")
        .withKind("Service")
        .withName(toName)
        .endTo()
        .endSpec()
        .build();
  }

  @Test
  void sameNamespaceNeedsNoGrant() {
    assertThat(new ReferenceGrants(List.of()).allows(GW, "HTTPRoute", "a", "", "Service", "a", "s"))
        .isTrue();
  }

  @Test
  void grantInTheReferentNamespaceAllowsTheNamedObjectOnly() {
    ReferenceGrants grants = new ReferenceGrants(List.of(grant("backends", "web")));
    assertThat(grants.allows(GW, "HTTPRoute", "apps", "", "Service", "backends", "web")).isTrue();
    assertThat(grants.allows(GW, "HTTPRoute", "apps", "", "Service", "backends", "db")).isFalse();
    assertThat(grants.allows(GW, "HTTPRoute", "other", "", "Service", "backends", "web")).isFalse();
    assertThat(grants.allows(GW, "Gateway", "apps", "", "Service", "backends", "web")).isFalse();
    assertThat(grants.allows(GW, "HTTPRoute", "apps", "", "Secret", "backends", "web")).isFalse();
  }

  @Test
  void grantWithoutNameAllowsEveryObjectOfTheKind() {
    ReferenceGrants grants = new ReferenceGrants(List.of(grant("backends", null)));
    assertThat(grants.allows(GW, "HTTPRoute", "apps", "", "Service", "backends", "any")).isTrue();
  }

  @Test
  void grantInAnotherNamespaceDoesNotCount() {
    ReferenceGrants grants = new ReferenceGrants(List.of(grant("elsewhere", "web")));
    assertThat(grants.allows(GW, "HTTPRoute", "apps", "", "Service", "backends", "web")).isFalse();
  }
}
