package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigSnapshot;
import java.util.Optional;

/**
 * Turns a snapshot into the running configuration: builds everything it needs off the event loop,
 * publishes it with one reference swap, and opens or closes only the listener ports that changed.
 * If any part cannot be applied, nothing is published and the previous configuration keeps serving.
 *
 * <p>Called by one thread at a time (the config client's); {@link #current()} from any thread.
 */
public interface SnapshotApplier {

  /**
   * Applies {@code snapshot} whole, or not at all.
   *
   * @throws SnapshotRejectedException naming what failed; the previous configuration stays
   */
  void apply(ConfigSnapshot snapshot) throws SnapshotRejectedException;

  /** The configuration now serving, or empty before the first snapshot was applied. */
  Optional<ConfigSummary> current();
}
