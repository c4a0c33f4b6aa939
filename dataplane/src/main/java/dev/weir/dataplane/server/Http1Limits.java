package dev.weir.dataplane.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Process-wide limits of the HTTP/1.1 side of the proxy against slow, large and greedy clients (the
 * README's "Hostile input" section). Immutable; one component of {@link ProxySettings}.
 *
 * @param maxRequestBodyBytes largest request body accepted where the route sets no limit; larger
 *     gets 413. 0 means unlimited
 * @param requestHeaderTimeout longest a request head may take from its first byte to its end;
 *     slower gets 408 and the connection closed
 * @param requestBodyTimeout longest gap between two reads of a request body while the proxy waits
 *     for it; longer gets 408 (or a reset once the response began) and the connection closed
 * @param maxConnections most client connections open at once over all listeners; more are accepted
 *     and closed at once
 * @param maxPipelinedRequests most requests read ahead and waiting on one connection; the one after
 *     them is answered 503 (in order) and the connection closed
 */
public record Http1Limits(
    long maxRequestBodyBytes,
    Duration requestHeaderTimeout,
    Duration requestBodyTimeout,
    int maxConnections,
    int maxPipelinedRequests) {

  public Http1Limits {
    Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    Objects.requireNonNull(requestBodyTimeout, "requestBodyTimeout");
    if (maxRequestBodyBytes < 0) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be >= 0");
    }
    if (requestHeaderTimeout.isNegative()
        || requestHeaderTimeout.isZero()
        || requestBodyTimeout.isNegative()
        || requestBodyTimeout.isZero()) {
      throw new IllegalArgumentException("request timeouts must be positive");
    }
    if (maxConnections <= 0 || maxPipelinedRequests <= 0) {
      throw new IllegalArgumentException("connection limits must be positive");
    }
  }

  /** Unlimited bodies, 10 s for a head, 30 s between body reads, 10000 connections, 16 queued. */
  public static Http1Limits defaults() {
    return new Http1Limits(0, Duration.ofSeconds(10), Duration.ofSeconds(30), 10_000, 16);
  }

  /** The body limit for a route that sets {@code routeLimit} (0 = none): it, else this default. */
  public long bodyLimit(long routeLimit) {
    return routeLimit > 0 ? routeLimit : maxRequestBodyBytes;
  }
}
