package dev.weir.controller.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Retries of a failed upstream attempt (Gateway API HTTPRouteRule retry).
 *
 * @param codes upstream 5xx statuses that are retried
 * @param attempts total attempts including the first; 0 or 1 means no retry
 * @param backoff wait before each retry, {@link Duration#ZERO} to retry at once
 */
public record Retry(List<Integer> codes, int attempts, Duration backoff) {

  /** No retries. */
  public static final Retry NONE = new Retry(List.of(), 0, Duration.ZERO);

  public Retry {
    codes = List.copyOf(Objects.requireNonNull(codes, "codes"));
    Objects.requireNonNull(backoff, "backoff");
  }
}
