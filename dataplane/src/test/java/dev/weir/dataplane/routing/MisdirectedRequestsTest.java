package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cases of the upstream conformance test HTTPRouteHTTPSListenerDetectMisdirectedRequests. */
class MisdirectedRequestsTest {

  /** Listeners without hostname (the default), exact, wildcard, and exact inside the wildcard. */
  private final MisdirectedRequests listeners =
      MisdirectedRequests.of(
          List.of("fourth-example.wildcard.org", "second-example.org", "*.wildcard.org", "*"));

  @Test
  void aHostOfTheListenerTheSniChoseIsNotMisdirected() {
    assertThat(listeners.misdirected("example.org", "example.org")).isFalse();
    assertThat(listeners.misdirected("example.org", "unknown-example.org")).isFalse();
    assertThat(listeners.misdirected("second-example.org", "second-example.org")).isFalse();
    assertThat(listeners.misdirected("third-example.wildcard.org", "fith-example.wildcard.org"))
        .isFalse();
    assertThat(listeners.misdirected("unknown-example.org", "example.org")).isFalse();
  }

  @Test
  void aHostOfAnotherListenerIsMisdirected() {
    assertThat(listeners.misdirected("example.org", "second-example.org")).isTrue();
    assertThat(listeners.misdirected("second-example.org", "example.org")).isTrue();
    assertThat(listeners.misdirected("second-example.org", "unknown-example.org")).isTrue();
    assertThat(listeners.misdirected("third-example.wildcard.org", "fourth-example.wildcard.org"))
        .isTrue();
    assertThat(listeners.misdirected("third-example.wildcard.org", "second-example.org")).isTrue();
    assertThat(listeners.misdirected("fourth-example.wildcard.org", "fith-example.wildcard.org"))
        .isTrue();
  }

  @Test
  void withoutSniOrSpecificCertificatesNothingIsMisdirected() {
    assertThat(listeners.misdirected(null, "second-example.org")).isFalse();
    assertThat(listeners.misdirected("second-example.org", "[::1]")).isFalse();
    assertThat(MisdirectedRequests.of(List.of("*")).misdirected("a.example", "b.example"))
        .isFalse();
    assertThat(MisdirectedRequests.of(List.of())).isSameAs(MisdirectedRequests.NONE);
    assertThat(MisdirectedRequests.NONE.misdirected("a.example", "b.example")).isFalse();
  }

  @Test
  void namesCompareCaseInsensitively() {
    MisdirectedRequests upper = MisdirectedRequests.of(List.of("Second-Example.org"));
    assertThat(upper.misdirected("second-example.org", "second-example.org")).isFalse();
    assertThat(upper.misdirected("second-example.org", "example.org")).isTrue();
  }
}
