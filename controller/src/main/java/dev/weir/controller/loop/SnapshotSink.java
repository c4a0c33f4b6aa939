package dev.weir.controller.loop;

import dev.weir.controller.compile.BuildResult;

/**
 * Where the loop sends each build that changed at least one target's version (the push service in
 * production). Called on the loop's thread; must not block.
 */
@FunctionalInterface
public interface SnapshotSink {

  /**
   * Publishes {@code result}: every snapshot in it (shared and per Gateway) has its version and the
   * build's generation set. Receivers push a target's snapshot only to nodes that do not have its
   * version yet.
   */
  void publish(BuildResult result);
}
