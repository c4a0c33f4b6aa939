package dev.weir.dataplane.routing;

import java.util.BitSet;
import java.util.Objects;

/**
 * A route's retry rule (Gateway API HTTPRouteRetry): how many attempts in all, which upstream
 * statuses are retried, and the wait before each retry. Connection failures and timeouts before any
 * response byte are always retried while attempts remain. Immutable; any thread.
 *
 * @param attempts total attempts including the first; 1 = no retry
 * @param codes the retried statuses (500-599)
 * @param backoffMillis the wait before each retry; 0 = at once
 */
public record RetryPolicy(int attempts, BitSet codes, long backoffMillis) {

  /** No retry beyond the proxy's own single connect-failure retry. */
  public static final RetryPolicy NONE = new RetryPolicy(1, new BitSet(), 0);

  public RetryPolicy {
    Objects.requireNonNull(codes, "codes");
    if (attempts < 1 || backoffMillis < 0) {
      throw new IllegalArgumentException("attempts must be >= 1 and backoff >= 0");
    }
    codes = (BitSet) codes.clone();
  }

  /** Whether this route retries at all. */
  public boolean enabled() {
    return attempts > 1;
  }

  /** Whether another attempt may follow {@code attemptsMade} attempts. */
  public boolean allowsAnother(int attemptsMade) {
    return attemptsMade < attempts;
  }

  /** Whether an upstream response with {@code status} is retried (if attempts remain). */
  public boolean retriesStatus(int status) {
    return status >= 0 && codes.get(status);
  }

  /**
   * The retry decision after a failed attempt. A retry resends the request, so it is only made when
   * no request body went upstream ({@code bodySent}) and nothing went downstream.
   *
   * @param attemptsMade the attempts so far, including the failed one
   * @param status the failed attempt's response status, or 0 for a connection failure or timeout
   * @param bodySent whether any of the request's body was read from the client and sent upstream
   * @param responseStarted whether any of a response went to the client
   */
  public boolean shouldRetry(
      int attemptsMade, int status, boolean bodySent, boolean responseStarted) {
    return allowsAnother(attemptsMade)
        && !bodySent
        && !responseStarted
        && (status == 0 || retriesStatus(status));
  }

  @Override
  public String toString() {
    return "attempts="
        + attempts
        + (codes.isEmpty() ? "" : " codes=" + codes.toString().replace(" ", ""))
        + (backoffMillis > 0 ? " backoff=" + backoffMillis + "ms" : "");
  }
}
