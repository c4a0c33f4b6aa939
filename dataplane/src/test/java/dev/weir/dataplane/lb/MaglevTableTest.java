package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTableTest {

  private static final List<String> NAMES = List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");

  @Test
  void eachEndpointsPreferencesArePermutationsOfTheSlots() {
    int m = 251;
    for (String name : NAMES) {
      boolean[] hit = new boolean[m];
      for (int j = 0; j < m; j++) {
        hit[MaglevTable.preference(name, m, j)] = true;
      }
      for (boolean h : hit) {
        assertThat(h).isTrue();
      }
    }
  }

  @Test
  void theTableIsFullAndEqualWeightsDifferByAtMostOneSlot() {
    int m = 65537;
    int[] table = MaglevTable.build(NAMES, new long[] {1, 1, 1}, m).owners();
    int[] counts = new int[3];
    for (int owner : table) {
      counts[owner]++;
    }
    assertThat(Arrays.stream(counts).sum()).isEqualTo(m);
    assertThat(Arrays.stream(counts).max().getAsInt() - Arrays.stream(counts).min().getAsInt())
        .isLessThanOrEqualTo(1);
  }

  @Test
  void eachSlotHoldsAPreferenceOfItsOwner() {
    int m = 13;
    int[] table = MaglevTable.build(NAMES, new long[] {1, 1, 1}, m).owners();
    for (int slot = 0; slot < m; slot++) {
      String owner = NAMES.get(table[slot]);
      boolean preferred = false;
      for (int j = 0; j < m && !preferred; j++) {
        preferred = MaglevTable.preference(owner, m, j) == slot;
      }
      assertThat(preferred).isTrue();
    }
  }

  @Test
  void weightsSetTheShareOfSlots() {
    int m = 65537;
    int[] table = MaglevTable.build(NAMES, new long[] {2, 1, 1}, m).owners();
    long first = Arrays.stream(table).filter(o -> o == 0).count();
    assertThat(first / (double) m).isBetween(0.49, 0.51);
  }

  @Test
  void primality() {
    assertThat(MaglevTable.isPrime(65537)).isTrue();
    assertThat(MaglevTable.isPrime(5_000_011)).isTrue();
    assertThat(MaglevTable.isPrime(65536)).isFalse();
    assertThat(MaglevTable.isPrime(1)).isFalse();
    assertThat(MaglevTable.isPrime(9)).isFalse();
  }
}
