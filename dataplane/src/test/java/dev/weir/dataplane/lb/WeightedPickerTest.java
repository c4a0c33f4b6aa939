package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedPickerTest {

  @Test
  void picksLandWithinToleranceOfTheWeightsAndWeightZeroNeverWins() {
    WeightedPicker<String> picker =
        new WeightedPicker<>(List.of("a", "zero", "b", "c"), List.of(1L, 0L, 3L, 6L));
    Map<String, Integer> counts = new HashMap<>();
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      counts.merge(picker.pick(), 1, Integer::sum);
    }
    // Expected 1000/3000/6000; 5 standard deviations is under 250 for each.
    assertThat(counts.getOrDefault("a", 0)).isBetween(850, 1150);
    assertThat(counts.getOrDefault("b", 0)).isBetween(2770, 3230);
    assertThat(counts.getOrDefault("c", 0)).isBetween(5755, 6245);
    assertThat(counts).doesNotContainKey("zero");
  }

  @Test
  void intervalsAreExactAtTheirEdges() {
    WeightedPicker<String> picker =
        new WeightedPicker<>(List.of("zero", "a", "zero2", "b"), List.of(0L, 2L, 0L, 1L));
    assertThat(picker.indexFor(0)).isEqualTo(1);
    assertThat(picker.indexFor(1)).isEqualTo(1);
    assertThat(picker.indexFor(2)).isEqualTo(3);
  }

  @Test
  void aSingleChoiceIsAlwaysPicked() {
    WeightedPicker<String> picker = new WeightedPicker<>(List.of("only"), List.of(5L));
    assertThat(picker.pick()).isEqualTo("only");
  }

  @Test
  void allZeroOrEmptyIsRejected() {
    assertThatThrownBy(() -> new WeightedPicker<>(List.of("a", "b"), List.of(0L, 0L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WeightedPicker<String>(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
