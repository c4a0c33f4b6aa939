package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.upstream.UpstreamCluster;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of one {@link ForwardExchange}, as timers on the event loop:
 *
 * <ul>
 *   <li>the route's request timeout, for the whole exchange, counted from the request head's
 *       arrival;
 *   <li>the route's backend request timeout, for one attempt, from sending the request to the
 *       response's last byte; re-armed by each attempt;
 *   <li>the cluster's response timeout, from the request's end to the response head; used only when
 *       the route sets no backend request timeout, which replaces it;
 *   <li>the cluster's read timeout, the longest gap between two reads of the response once its head
 *       arrived. One timer per gap would cost a schedule per body part, so the timer only notes the
 *       last read and, when it fires early, sleeps for the rest. Time the client holds the response
 *       back (backpressure: the upstream is not read) is not counted.
 * </ul>
 *
 * Each timer fires back into the exchange, which decides between another attempt ({@link
 * RetryScheduler}) and an error response.
 *
 * <p>Accessed only from the channel's event loop. Holds no buffers.
 */
final class AttemptTimer {

  private final ForwardExchange exchange;
  private final RequestContext rc;
  private final UpstreamCluster cluster;
  private ScheduledFuture<?> responseTimeout;
  private ScheduledFuture<?> attemptTimeout;
  private ScheduledFuture<?> requestTimeout;
  private ScheduledFuture<?> readTimeout;
  private long lastReadNanos;

  AttemptTimer(ForwardExchange exchange, RequestContext rc, UpstreamCluster cluster) {
    this.exchange = exchange;
    this.rc = rc;
    this.cluster = cluster;
  }

  /** Starts the route's request timeout, if it has one, on {@code executor}. */
  void startRequestTimer(EventExecutor executor) {
    long requestMillis = rc.route().timeouts().requestMillis();
    if (requestMillis > 0) {
      // Counted from the request head's arrival, which is when the context was made.
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rc.startNanos());
      requestTimeout =
          executor.schedule(
              exchange::onRequestTimeout,
              Math.max(0, requestMillis - elapsed),
              TimeUnit.MILLISECONDS);
    }
  }

  /**
   * (Re)arms the route's backend request timeout for the attempt on {@code up}: it covers one
   * attempt, from sending the request to the response's last byte.
   */
  void armAttempt(Channel up) {
    long millis = rc.route().timeouts().backendRequestMillis();
    if (millis > 0) {
      cancel(attemptTimeout);
      attemptTimeout =
          up.eventLoop().schedule(exchange::onAttemptTimeout, millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Arms the cluster's response timeout once the request went upstream, while the exchange still
   * waits for the response head and the route sets no backend request timeout.
   */
  void armResponse(Channel up) {
    if (exchange.awaitingResponse() && rc.route().timeouts().backendRequestMillis() == 0) {
      responseTimeout =
          up.eventLoop()
              .schedule(
                  exchange::onResponseTimeout,
                  cluster.responseTimeoutMillis(),
                  TimeUnit.MILLISECONDS);
    }
  }

  /** Starts the cluster's read timeout, if it has one: the response head arrived on {@code up}. */
  void armRead(Channel up) {
    long millis = cluster.limits().readTimeoutMillis();
    if (millis > 0 && readTimeout == null) {
      lastReadNanos = System.nanoTime();
      readTimeout = up.eventLoop().schedule(() -> checkRead(up), millis, TimeUnit.MILLISECONDS);
    }
  }

  /** A response part was read (or asked for after backpressure): the gap starts again. */
  void readProgress() {
    lastReadNanos = System.nanoTime();
  }

  private void checkRead(Channel up) {
    long millis = cluster.limits().readTimeoutMillis();
    if (exchange.clientBackpressure()) {
      lastReadNanos = System.nanoTime();
    }
    long quiet = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
    if (quiet >= millis) {
      readTimeout = null;
      exchange.onReadTimeout();
      return;
    }
    readTimeout =
        up.eventLoop().schedule(() -> checkRead(up), millis - quiet, TimeUnit.MILLISECONDS);
  }

  /** Cancels the response timeout: a response head arrived, or the attempt ended. */
  void cancelResponse() {
    cancel(responseTimeout);
    responseTimeout = null;
  }

  /** Cancels the attempt's backend request timeout: the attempt was abandoned for another. */
  void cancelAttempt() {
    cancel(attemptTimeout);
    attemptTimeout = null;
  }

  /** Cancels every timer: the exchange ended. */
  void cancelAll() {
    cancelResponse();
    cancelAttempt();
    cancel(requestTimeout);
    requestTimeout = null;
    cancel(readTimeout);
    readTimeout = null;
  }

  static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
