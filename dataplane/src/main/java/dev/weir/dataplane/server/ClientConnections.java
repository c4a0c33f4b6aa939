package dev.weir.dataplane.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * Every client connection the proxy accepted and has not closed yet, across all listeners, so that
 * a graceful drain can reach them: {@link #startDrain} asks each to finish (GOAWAY on HTTP/2,
 * {@code Connection: close} on HTTP/1.x), {@link #awaitClosed} waits for them, and {@link
 * #closeAll} ends the ones that outlived the drain period.
 *
 * <p>Thread-safe: connections register from their event loops; the drain runs on the shutdown
 * thread. A closed connection leaves the group by itself.
 */
public final class ClientConnections {

  private final ChannelGroup channels =
      new DefaultChannelGroup("weir-clients", GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;

  /** Tracks {@code ch}; one accepted while draining is closed at once. Called on its event loop. */
  void add(Channel ch) {
    channels.add(ch);
    if (draining) {
      ch.close();
    }
  }

  /** Whether a drain has started. */
  public boolean draining() {
    return draining;
  }

  /** Number of open client connections. */
  public int size() {
    return channels.size();
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
