package dev.weir.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistentHashBalancerTest {

  private static final int KEYS = 20_000;

  private static ConsistentHashBalancer<String> build(String kind, List<String> endpoints) {
    List<Long> weights = Collections.nCopies(endpoints.size(), 1L);
    return kind.equals("ring")
        ? ConsistentHashBalancer.ring(endpoints, weights, e -> e, 160)
        : ConsistentHashBalancer.maglev(endpoints, weights, e -> e, 65537);
  }

  private static List<String> endpoints(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("10.0.0." + i + ":8080");
    }
    return out;
  }

  private static PickRequest key(int i) {
    return PickRequest.ofHash(KeyHash.of("user-" + i));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void theSameKeyAlwaysLandsOnTheSameEndpointAcrossBuilds(String kind) {
    ConsistentHashBalancer<String> first = build(kind, endpoints(5));
    ConsistentHashBalancer<String> again = build(kind, endpoints(5));
    for (int i = 0; i < 1000; i++) {
      assertThat(again.select(key(i))).isEqualTo(first.select(key(i)));
      assertThat(first.select(key(i))).isEqualTo(first.select(key(i)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void keysSpreadEvenlyWithEqualWeights(String kind) {
    Map<String, Integer> counts = count(build(kind, endpoints(5)));
    // Expected 4000 each; virtual nodes (ring) and table fill (Maglev) keep each within 15%.
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(3400, 4600));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void removingOneOfNEndpointsMovesAboutOneNthOfKeys(String kind) {
    List<String> all = endpoints(10);
    ConsistentHashBalancer<String> before = build(kind, all);
    List<String> fewer = new ArrayList<>(all);
    String removed = fewer.remove(3);
    ConsistentHashBalancer<String> after = build(kind, fewer);
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      String was = before.select(key(i));
      String now = after.select(key(i));
      if (!was.equals(now)) {
        moved++;
        if (kind.equals("ring")) {
          // On a ring only the removed endpoint's keys move.
          assertThat(was).isEqualTo(removed);
        }
      }
    }
    // 1/10 of keys must move; Maglev moves a few more (its fill shifts a little), never many.
    assertThat(moved).isBetween(KEYS / 10 - 400, KEYS / 10 + KEYS / 25);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void weightsShiftTheShareOfKeys(String kind) {
    List<String> e = endpoints(2);
    List<Long> w = List.of(3L, 1L);
    ConsistentHashBalancer<String> b =
        kind.equals("ring")
            ? ConsistentHashBalancer.ring(e, w, x -> x, 160)
            : ConsistentHashBalancer.maglev(e, w, x -> x, 65537);
    Map<String, Integer> counts = count(b);
    assertThat(counts.get(e.get(0)) / (double) KEYS).isBetween(0.70, 0.80);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void selectOtherWalksTheKeysPreferenceListThroughEveryEndpoint(String kind) {
    ConsistentHashBalancer<String> b = build(kind, endpoints(6));
    PickRequest k = key(42);
    Set<String> seen = new HashSet<>();
    String e = b.select(k);
    for (int i = 0; i < 6; i++) {
      seen.add(e);
      String next = b.selectOther(e, k);
      assertThat(next).isNotEqualTo(e);
      e = next;
    }
    assertThat(seen).hasSize(6);
    // After the last comes the first again, and the walk is the same each time.
    assertThat(e).isEqualTo(b.select(k));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void aRequestWithoutTheKeyIsBalancedRoundRobin(String kind) {
    ConsistentHashBalancer<String> b = build(kind, endpoints(3));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(b.select(PickRequest.NONE));
    }
    assertThat(picks).containsExactlyElementsOf(concat(endpoints(3), endpoints(3)));
    assertThat(b.selectOther(endpoints(3).get(0), PickRequest.NONE))
        .isNotEqualTo(endpoints(3).get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ring", "maglev"})
  void anEmptyClusterPicksNothing(String kind) {
    ConsistentHashBalancer<String> b = build(kind, List.of());
    assertThat(b.select(key(1))).isNull();
    assertThat(b.selectOther("x", key(1))).isNull();
  }

  @org.junit.jupiter.api.Test
  void maglevTablesMustBePrimeAndLargeEnough() {
    BiFunction<Integer, Integer, ConsistentHashBalancer<String>> maglev =
        (n, m) ->
            ConsistentHashBalancer.maglev(endpoints(n), Collections.nCopies(n, 1L), e -> e, m);
    assertThatThrownBy(() -> maglev.apply(3, 65536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> maglev.apply(5, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThat(maglev.apply(3, 7).select(key(1))).isNotNull();
  }

  private static Map<String, Integer> count(ConsistentHashBalancer<String> b) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      counts.merge(b.select(key(i)), 1, Integer::sum);
    }
    return counts;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
