package dev.weir.controller.status;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The single daemon thread each status writer writes from, and its orderly stop.
 *
 * <p>Stateless; safe from any thread.
 */
final class WriterThreads {

  private WriterThreads() {}

  /** A single-thread executor on a daemon platform thread named {@code name}. */
  static ExecutorService start(String name) {
    return Executors.newSingleThreadExecutor(
        r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
  }

  /** Stops {@code executor}; writes already queued are abandoned after five seconds. */
  static void stop(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
