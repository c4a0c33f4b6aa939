package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestBalancerTest {

  private final InFlightRequests<String> inFlight = new InFlightRequests<>();

  private LeastRequestBalancer<String> balancer(List<String> endpoints, List<Long> weights) {
    return new LeastRequestBalancer<>(
        endpoints, weights, endpoints.stream().map(inFlight::counter).toList());
  }

  @Test
  void ofTwoChoicesTheLessLoadedWins() {
    LeastRequestBalancer<String> lr = balancer(List.of("busy", "idle"), List.of(1L, 1L));
    inFlight.counter("busy").set(5);
    for (int i = 0; i < 200; i++) {
      assertThat(lr.select(PickRequest.NONE)).isEqualTo("idle");
    }
  }

  @Test
  void aLoadedEndpointAmongManyIsPickedOnlyWhenDrawnTwice() {
    LeastRequestBalancer<String> lr =
        balancer(List.of("busy", "b", "c", "d"), List.of(1L, 1L, 1L, 1L));
    inFlight.counter("busy").set(10);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      counts.merge(lr.select(PickRequest.NONE), 1, Integer::sum);
    }
    // Two distinct draws never both land on "busy", so it never wins against an idle one.
    assertThat(counts).doesNotContainKey("busy");
    assertThat(counts.get("b")).isBetween(1100, 1560);
  }

  @Test
  void withEqualLoadPicksFollowTheWeights() {
    LeastRequestBalancer<String> lr = balancer(List.of("a", "b"), List.of(3L, 1L));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(lr.select(PickRequest.NONE), 1, Integer::sum);
    }
    // Two distinct draws on a tie keep the first: a wins with P(first draw is a) = 3/4.
    assertThat(counts.get("a")).isBetween(7200, 7800);
  }

  @Test
  void countersCarryOverToTheNextSnapshotsBalancer() {
    inFlight.counter("a").incrementAndGet();
    LeastRequestBalancer<String> next = balancer(List.of("a", "b"), List.of(1L, 1L));
    assertThat(next.select(PickRequest.NONE)).isEqualTo("b");
    inFlight.retainOnly(java.util.Set.of("b"));
    assertThat(inFlight.get("a")).isZero();
  }

  @Test
  void selectOtherPrefersTheLessLoadedOfTheOthers() {
    LeastRequestBalancer<String> lr = balancer(List.of("a", "b", "c"), List.of(1L, 1L, 1L));
    inFlight.counter("b").set(3);
    for (int i = 0; i < 100; i++) {
      assertThat(lr.selectOther("a", PickRequest.NONE)).isIn("b", "c");
    }
    assertThat(balancer(List.of("a"), List.of(1L)).selectOther("a", PickRequest.NONE)).isNull();
  }
}
