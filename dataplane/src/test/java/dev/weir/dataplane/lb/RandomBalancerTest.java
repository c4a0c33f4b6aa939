package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {

  @Test
  void picksLandWithinToleranceOfTheWeights() {
    RandomBalancer<String> random =
        new RandomBalancer<>(List.of("a", "b", "c"), List.of(1L, 2L, 7L));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(random.select(PickRequest.NONE), 1, Integer::sum);
    }
    // Expected 1000/2000/7000; 5 standard deviations is under 230 for each.
    assertThat(counts.get("a")).isBetween(850, 1150);
    assertThat(counts.get("b")).isBetween(1800, 2200);
    assertThat(counts.get("c")).isBetween(6770, 7230);
  }

  @Test
  void selectOtherAvoidsThePreviousEvenWhenItDominates() {
    RandomBalancer<String> random = new RandomBalancer<>(List.of("a", "b"), List.of(1000L, 1L));
    for (int i = 0; i < 100; i++) {
      assertThat(random.selectOther("a", PickRequest.NONE)).isEqualTo("b");
    }
    assertThat(new RandomBalancer<String>(List.of(), List.of()).select(PickRequest.NONE)).isNull();
  }
}
