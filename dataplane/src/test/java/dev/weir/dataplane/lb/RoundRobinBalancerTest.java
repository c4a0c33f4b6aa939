package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

  @Test
  void smoothScheduleInterleavesTheHeavyEndpointAsNginxDoes() {
    RoundRobinBalancer<String> rr =
        new RoundRobinBalancer<>(List.of("a", "b", "c"), List.of(5L, 1L, 1L));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picks.add(rr.select(PickRequest.NONE));
    }
    // nginx's documented sequence for weights 5,1,1.
    assertThat(picks).containsExactly("a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void equalWeightsArePlainRoundRobin() {
    RoundRobinBalancer<String> rr = new RoundRobinBalancer<>(List.of("a", "b", "c"));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(rr.select(PickRequest.NONE));
    }
    assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void picksFollowTheWeightsExactlyOverEachPeriod() {
    RoundRobinBalancer<String> rr =
        new RoundRobinBalancer<>(List.of("a", "b", "c"), List.of(300L, 200L, 100L));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 6000; i++) {
      counts.merge(rr.select(PickRequest.NONE), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 3000).containsEntry("b", 2000).containsEntry("c", 1000);
  }

  @Test
  void hugeWeightsAreScaledIntoABoundedScheduleKeepingTheRatio() {
    int[] schedule =
        RoundRobinBalancer.smoothSchedule(
            Weights.expanded(
                Weights.reduced(new long[] {3_000_000_001L, 1_000_000_000L}),
                1,
                RoundRobinBalancer.MAX_SCHEDULE));
    assertThat(schedule.length).isLessThanOrEqualTo(RoundRobinBalancer.MAX_SCHEDULE);
    long zeros = java.util.Arrays.stream(schedule).filter(i -> i == 0).count();
    assertThat((double) zeros / schedule.length)
        .isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void selectOtherNeverReturnsThePreviousAndNullWhenAlone() {
    RoundRobinBalancer<String> rr =
        new RoundRobinBalancer<>(List.of("a", "b", "c"), List.of(5L, 1L, 1L));
    for (int i = 0; i < 50; i++) {
      assertThat(rr.selectOther("a", PickRequest.NONE)).isIn("b", "c");
    }
    assertThat(new RoundRobinBalancer<>(List.of("a")).selectOther("a", PickRequest.NONE)).isNull();
    assertThat(new RoundRobinBalancer<String>(List.of()).select(PickRequest.NONE)).isNull();
  }
}
