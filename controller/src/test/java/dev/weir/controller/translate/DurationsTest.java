package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void gep2257DurationsParse() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("1s")).contains(Duration.ofSeconds(1));
    assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("1m1s1ms")).contains(Duration.ofMillis(61_001));
    assertThat(Durations.parse("0s")).contains(Duration.ZERO);
  }

  @Test
  void otherFormatsAreRejected() {
    assertThat(Durations.parse("1.5s")).isEmpty();
    assertThat(Durations.parse("10")).isEmpty();
    assertThat(Durations.parse("-1s")).isEmpty();
    assertThat(Durations.parse("123456s")).isEmpty();
    assertThat(Durations.parse("1h1m1s1ms1h")).isEmpty();
    assertThat(Durations.parse("")).isEmpty();
    assertThat(Durations.parse(null)).isEmpty();
  }
}
