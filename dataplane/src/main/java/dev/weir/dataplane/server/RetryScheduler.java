package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.RetryPolicy;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether a {@link ForwardExchange}'s failed attempt is tried again, and schedules the next
 * attempt. Three rules, each asked by the exchange when an attempt fails:
 *
 * <ul>
 *   <li>The route's {@link RetryPolicy} (Gateway API HTTPRouteRetry): after a connection failure, a
 *       timeout or close before any response byte, or a response whose status the policy lists, the
 *       request is sent again, up to the policy's attempts, after its backoff (a timer on the event
 *       loop), to another endpoint when there is one. Only while nothing went downstream and no
 *       request body was read from the client: a body-less request, or one whose first connect
 *       failed.
 *   <li>Without a policy, a failed connect is retried once on another endpoint, which is safe
 *       because nothing was sent.
 *   <li>A stale pooled connection is replaced once (RFC 9110 §9.2.2, see {@link #retryStale}).
 * </ul>
 *
 * <p>The policy's retries are also held to the cluster's {@code max_retries} and retry budget
 * (Envoy's: retries in flight at most a share of the requests in flight); over either, the failed
 * attempt's answer goes to the client as it is.
 *
 * <p>Accessed only from the channel's event loop. Holds no buffers: the failed attempt's connection
 * is discarded through {@link UpstreamAttempt#discard}, which releases what it still delivers.
 */
final class RetryScheduler {

  private final ForwardExchange exchange;
  private final UpstreamAttempt attempt;
  private final AttemptTimer timers;
  private final RequestContext rc;
  private final HttpRequest head;
  private final boolean hasBody;
  private final FilterChain filters;
  private final EventExecutor executor;
  private final RetryPolicy policy;
  private int attempts = 1;
  private boolean connectRetried;
  private boolean staleRetried;
  private ScheduledFuture<?> backoff;

  RetryScheduler(
      ForwardExchange exchange,
      UpstreamAttempt attempt,
      AttemptTimer timers,
      RequestContext rc,
      HttpRequest head,
      boolean hasBody,
      FilterChain filters,
      EventExecutor executor) {
    this.exchange = exchange;
    this.attempt = attempt;
    this.timers = timers;
    this.rc = rc;
    this.head = head;
    this.hasBody = hasBody;
    this.filters = filters;
    this.executor = executor;
    this.policy = rc.route().retry();
  }

  /**
   * After a failed connect: retries under the route's policy, or else once on another endpoint.
   *
   * @return whether another attempt was started or scheduled
   */
  boolean afterConnectFailure() {
    if (policy.enabled()) {
      return retry(0);
    }
    if (!connectRetried) {
      connectRetried = true;
      UpstreamEndpoint failed = attempt.endpoint();
      filters.selectUpstream(rc);
      UpstreamEndpoint other = rc.endpoint();
      if (other != null && !other.equals(failed)) {
        attempt.open(other);
        return true;
      }
    }
    return false;
  }

  /** Whether a response head with {@code status} is to be dropped for another attempt. */
  boolean retriesStatus(int status) {
    return policy.retriesStatus(status) && canRetry(status);
  }

  /**
   * A pooled connection may have been closed by the upstream just as it was reused. If nothing of
   * the response arrived and the request is idempotent without a body (RFC 9110 §9.2.2), sending it
   * again on a new connection is safe; done at most once.
   *
   * @return whether the request was sent again
   */
  boolean retryStale() {
    if (exchange.done()
        || attempt.channel() == null
        || !attempt.reused()
        || staleRetried
        || exchange.responseStarted()
        || hasBody
        || !exchange.requestDone()
        || !idempotent(head.method())) {
      return false;
    }
    staleRetried = true;
    // The replacement attempt starts its own timers once attached; the failed one's must not
    // fire into it.
    timers.cancelResponse();
    timers.cancelAttempt();
    attempt.reconnect();
    return true;
  }

  /**
   * Starts the next attempt if {@link #canRetry}: the exchange drops the failed one, then after the
   * backoff an endpoint is picked again.
   *
   * @param status the failed attempt's response status, or 0 for a connection failure or timeout
   * @return whether another attempt was started or scheduled
   */
  boolean retry(int status) {
    if (!canRetry(status)) {
      return false;
    }
    attempts++;
    exchange.abandonAttempt();
    if (policy.backoffMillis() > 0) {
      backoff = executor.schedule(this::nextAttempt, policy.backoffMillis(), TimeUnit.MILLISECONDS);
    } else {
      nextAttempt();
    }
    return true;
  }

  /** Cancels a pending backoff: the exchange ended. */
  void cancelBackoff() {
    AttemptTimer.cancel(backoff);
    backoff = null;
  }

  /**
   * Whether the route's retry policy allows another attempt after this one failed with {@code
   * status} (0 for a connection failure or timeout). A request body may have been read from the
   * client once its head went upstream, so such a request is only retried before that.
   */
  private boolean canRetry(int status) {
    return !exchange.done()
        && policy.shouldRetry(
            attempts, status, hasBody && attempt.headPrepared(), exchange.responseStarted())
        && (hasBody || exchange.requestDone() || attempt.channel() == null)
        // Last: it takes a retry token (max_retries, retry budget) held to the exchange's end.
        && exchange.admitRetry();
  }

  private void nextAttempt() {
    backoff = null;
    if (exchange.done()) {
      return;
    }
    UpstreamEndpoint failed = attempt.endpoint();
    // The routing filter asks for an endpoint other than the failed one; with one endpoint the
    // retry goes back to it.
    filters.selectUpstream(rc);
    if (rc.endpoint() == null) {
      rc.endpoint(failed);
    }
    attempt.open(rc.endpoint());
  }

  /** RFC 9110 §9.2.2. */
  private static boolean idempotent(HttpMethod m) {
    return m.equals(HttpMethod.GET)
        || m.equals(HttpMethod.HEAD)
        || m.equals(HttpMethod.OPTIONS)
        || m.equals(HttpMethod.TRACE)
        || m.equals(HttpMethod.PUT)
        || m.equals(HttpMethod.DELETE);
  }
}
