package dev.weir.controller.loop;

import dev.weir.api.config.v1.ConfigSnapshot;

/**
 * Where the loop sends each new snapshot version (the push service in production). Called on the
 * loop's thread; must not block.
 */
@FunctionalInterface
public interface SnapshotSink {

  /** Publishes {@code snapshot}, whose version and generation are set. */
  void publish(ConfigSnapshot snapshot);
}
