package dev.weir.controller.loop;

import java.time.Duration;

/**
 * Watches the {@link ControllerLoop} build (the controller's metrics). Called on the loop's thread,
 * so implementations must only record: never block, never do I/O.
 */
public interface BuildObserver {

  /** Observes nothing. */
  BuildObserver NONE =
      new BuildObserver() {
        @Override
        public void publishing(Build build, long firstChangeNanos) {}

        @Override
        public void built(Build build, Duration took) {}
      };

  /**
   * A build with a new version is about to go to the {@link SnapshotSink}.
   *
   * @param build the build, with its generation set
   * @param firstChangeNanos {@link System#nanoTime()} when the first change signal of this
   *     debounced build arrived
   */
  void publishing(Build build, long firstChangeNanos);

  /**
   * A build finished, whether or not it changed the version ({@link Build#changed()}).
   *
   * @param took how long the pipeline ran
   */
  void built(Build build, Duration took);
}
