package dev.weir.dataplane.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every client connection the proxy accepted and has not closed yet, across all listeners: bounded
 * by {@link Http1Limits#maxConnections()} (a connection over the bound is accepted and closed at
 * once, with no response: the kernel's backlog would otherwise keep it waiting unseen, and an
 * answer would cost what the bound is there to save), and reachable by a graceful drain: {@link
 * #startDrain} asks each to finish (GOAWAY on HTTP/2, {@code Connection: close} on HTTP/1.x),
 * {@link #awaitClosed} waits for them, and {@link #closeAll} ends the ones that outlived the drain
 * period.
 *
 * <p>Thread-safe: connections register from their event loops; the drain runs on the shutdown
 * thread. A closed connection leaves the group by itself.
 */
public final class ClientConnections {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final ChannelGroup channels =
      new DefaultChannelGroup("weir-clients", GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;

  ClientConnections(int max) {
    this.max = max;
  }

  /**
   * Tracks {@code ch} until it closes, if the bound allows it and no drain has started. Called on
   * its event loop.
   *
   * @return false if the connection must be closed (over the bound, or draining)
   */
  boolean admit(Channel ch) {
    if (draining) {
      return false;
    }
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    channels.add(ch);
    if (draining) { // a drain started meanwhile and may not have seen this one
      ch.close();
    }
    return true;
  }

  /** Whether a drain has started. */
  public boolean draining() {
    return draining;
  }

  /** Number of open client connections. */
  public int size() {
    return open.get();
  }

  /**
   * Starts draining every open connection: each gets {@link DrainSignal} on its event loop; one
   * whose protocol is not known yet (TLS handshake, preface) has no request to finish and is
   * closed.
   */
  public void startDrain() {
    draining = true;
    for (Channel ch : channels) {
      ch.eventLoop()
          .execute(
              () -> {
                if (ch.pipeline().get(Http1DrainHandler.class) == null
                    && ch.pipeline().get(Http2DrainHandler.class) == null) {
                  ch.close();
                } else {
                  ch.pipeline().fireUserEventTriggered(DrainSignal.INSTANCE);
                }
              });
    }
  }

  /**
   * Waits until every connection closed, or {@code period} passed.
   *
   * @return whether all closed in time
   */
  public boolean awaitClosed(Duration period) {
    long deadline = System.nanoTime() + period.toNanos();
    try {
      while (!channels.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Only those open now: a connection accepted meanwhile is closed by add().
        channels.newCloseFuture().await(Math.min(Duration.ofNanos(left).toMillis() + 1, 100));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return channels.isEmpty();
    }
  }

  /** Closes whatever is still open. */
  public void closeAll() {
    channels.close().awaitUninterruptibly(5_000);
  }
}
