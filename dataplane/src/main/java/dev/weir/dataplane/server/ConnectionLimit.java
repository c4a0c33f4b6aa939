package dev.weir.dataplane.server;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on client connections open at once over all listeners ({@link
 * Http1Limits#maxConnections()}). A connection over the bound is accepted and closed at once, with
 * no response: the kernel's backlog would otherwise keep it waiting unseen, and an answer would
 * cost what the bound is there to save. Thread-safe: shared by every event loop.
 */
final class ConnectionLimit {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /**
   * Counts {@code ch} until it closes, if the bound allows it.
   *
   * @return false if the connection is over the bound and must be closed
   */
  boolean admit(Channel ch) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  /** Client connections open now. */
  int open() {
    return open.get();
  }
}
