package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostnamesTest {

  @Test
  void listenerWithoutHostnameTakesTheRouteHostnames() {
    assertThat(Hostnames.intersect(Optional.empty(), List.of("b.com", "*.a.com")))
        .containsExactly("*.a.com", "b.com");
    assertThat(Hostnames.intersect(Optional.empty(), List.of())).containsExactly("*");
  }

  @Test
  void routeWithoutHostnamesTakesTheListenerHostname() {
    assertThat(Hostnames.intersect(Optional.of("*.a.com"), List.of())).containsExactly("*.a.com");
  }

  @Test
  void wildcardCoversOneOrMoreLabelsButNotItsSuffix() {
    assertThat(Hostnames.intersect("*.a.com", "x.y.a.com")).contains("x.y.a.com");
    assertThat(Hostnames.intersect("x.a.com", "*.a.com")).contains("x.a.com");
    assertThat(Hostnames.intersect("*.a.com", "a.com")).isEmpty();
    assertThat(Hostnames.intersect("*.a.com", "xa.com")).isEmpty();
  }

  @Test
  void twoWildcardsIntersectToTheMoreSpecific() {
    assertThat(Hostnames.intersect("*.a.com", "*.b.a.com")).contains("*.b.a.com");
    assertThat(Hostnames.intersect("*.b.a.com", "*.a.com")).contains("*.b.a.com");
    assertThat(Hostnames.intersect("*.a.com", "*.b.com")).isEmpty();
  }

  @Test
  void gatewayWildcardBecomesAMultiLabelDomain() {
    assertThat(Hostnames.domain("*.a.com")).isEqualTo("**.a.com");
    assertThat(Hostnames.domain("x.a.com")).isEqualTo("x.a.com");
    assertThat(Hostnames.domain("*")).isEqualTo("*");
  }
}
