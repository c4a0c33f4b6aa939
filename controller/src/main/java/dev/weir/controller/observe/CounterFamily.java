package dev.weir.controller.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One counter name with fixed label keys, a counter per label-value set, registered on first use
 * and kept. For the controller's low-rate events (Kubernetes events, status writes, NACKs); callers
 * pass only bounded values.
 *
 * <p>Thread-safe.
 */
final class CounterFamily {

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final List<String> keys;
  private final ConcurrentMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param name the Micrometer name ({@code weir.controller.events} is scraped as {@code
   *     weir_controller_events_total})
   * @param keys the label keys, in the order {@link #increment} takes their values
   */
  CounterFamily(MeterRegistry registry, String name, String description, String... keys) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.keys = List.of(keys);
  }

  /** Adds one to the counter labelled {@code values}, one per key. */
  void increment(String... values) {
    counters.computeIfAbsent(List.of(values), this::register).increment();
  }

  private Counter register(List<String> values) {
    if (values.size() != keys.size()) {
      throw new IllegalArgumentException(name + " takes labels " + keys);
    }
    Counter.Builder b = Counter.builder(name).description(description);
    for (int i = 0; i < keys.size(); i++) {
      b.tag(keys.get(i), values.get(i));
    }
    return b.register(registry);
  }
}
