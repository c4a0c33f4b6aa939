package dev.weir.controller.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.push.NodeState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NackReasonTest {

  @Test
  void theFirstFailedResourceKindIsTheReason() {
    assertThat(reason("snapshot v rejected: route r0: bad regex", "route", "bad regex"))
        .isEqualTo("route");
    assertThat(reason("snapshot v rejected: secret default/c: bad key", "secret", "bad key"))
        .isEqualTo("secret");
    assertThat(reason("snapshot v rejected: x", "route_table", "dup")).isEqualTo("route_table");
  }

  @Test
  void aListenerThatCannotBindIsBind() {
    assertThat(
            reason("snapshot v rejected: cannot bind port 80: in use", "listener", "cannot bind"))
        .isEqualTo("bind");
    assertThat(reason("snapshot v rejected: listener l: bad tls", "listener", "bad tls"))
        .isEqualTo("listener");
  }

  @Test
  void internalErrorsUnknownKindsAndFreeTextAreBounded() {
    assertThat(
            reason("internal error applying snapshot: java.lang.NullPointerException", null, null))
        .isEqualTo("internal");
    assertThat(reason("snapshot v rejected: cluster a/b:80: no endpoints", null, null))
        .isEqualTo("cluster");
    assertThat(reason("snapshot v rejected: gizmo x: y", "gizmo", "y")).isEqualTo("other");
    assertThat(reason("something went wrong at 10.0.0.7", null, null)).isEqualTo("other");
  }

  private static String reason(String message, String kind, String why) {
    List<NodeState.FailedResource> resources =
        kind == null ? List.of() : List.of(new NodeState.FailedResource(kind, "name", why));
    return NackReason.of(new NodeState.Nack("v", "n", message, resources, Instant.now()));
  }
}
