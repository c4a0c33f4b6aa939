package dev.weir.dataplane.filter;

import dev.weir.dataplane.upstream.UpstreamEndpoint;

/**
 * What the proxy measured about one exchange, for metrics, access logs and traces: the protocol,
 * bytes each way, upstream attempts and the moments that bound its durations. The proxy core writes
 * it; observing filters read it in {@link ProxyFilter#onComplete}. Times are {@link
 * System#nanoTime()} values, 0 while not reached.
 *
 * <p>Accessed only from the downstream channel's event loop.
 */
public final class ExchangeStats {

  private final String listener;
  private final String protocol;
  private final String method;
  private long requestBytes;
  private long responseBytes;
  private int attempts;
  private long upstreamStartNanos;
  private long upstreamHeadNanos;
  private long upstreamEndNanos;
  private long firstByteNanos;
  private String traceId;
  private UpstreamEndpoint attemptEndpoint;

  /**
   * @param listener the name of the snapshot listener the request arrived on
   * @param protocol the client's protocol: {@code "HTTP/1.0"}, {@code "HTTP/1.1"} or {@code
   *     "HTTP/2"}
   * @param method the request's method as sent
   */
  public ExchangeStats(String listener, String protocol, String method) {
    this.listener = listener;
    this.protocol = protocol;
    this.method = method;
  }

  public String listener() {
    return listener;
  }

  public String protocol() {
    return protocol;
  }

  public String method() {
    return method;
  }

  /** Request body bytes read from the client. */
  public long requestBytes() {
    return requestBytes;
  }

  public void addRequestBytes(long n) {
    requestBytes += n;
  }

  /** Response body bytes written to the client (after compression). */
  public long responseBytes() {
    return responseBytes;
  }

  public void addResponseBytes(long n) {
    responseBytes += n;
  }

  /** Upstream attempts started: 0 for an answer made here, more than 1 after retries. */
  public int attempts() {
    return attempts;
  }

  /** Retries: attempts after the first. */
  public int retries() {
    return Math.max(0, attempts - 1);
  }

  /**
   * An upstream attempt to {@code endpoint} starts now (connecting or taking a pooled connection).
   * The endpoint is kept for access logs (the context's own choice may have moved on after a
   * failure).
   */
  public void attemptStarted(long nanos, UpstreamEndpoint endpoint) {
    if (attempts++ == 0) {
      upstreamStartNanos = nanos;
    }
    this.attemptEndpoint = endpoint;
  }

  /** The endpoint of the latest upstream attempt, or null when none started. */
  public UpstreamEndpoint attemptEndpoint() {
    return attemptEndpoint;
  }

  /** The upstream's final response head arrived. */
  public void upstreamHead(long nanos) {
    upstreamHeadNanos = nanos;
  }

  /** The upstream's response ended. */
  public void upstreamEnd(long nanos) {
    upstreamEndNanos = nanos;
  }

  /** The response head went to the client; the first call counts. */
  public void firstByte(long nanos) {
    if (firstByteNanos == 0) {
      firstByteNanos = nanos;
    }
  }

  /** The W3C trace id of the exchange's server span, or null when it is not traced. */
  public String traceId() {
    return traceId;
  }

  public void traceId(String id) {
    this.traceId = id;
  }

  /**
   * Nanoseconds from the first attempt's start to the upstream response's end (or its head, for a
   * response that did not end normally); -1 when no upstream answered.
   */
  public long upstreamNanos() {
    if (upstreamStartNanos == 0 || upstreamHeadNanos == 0) {
      return -1;
    }
    return (upstreamEndNanos != 0 ? upstreamEndNanos : upstreamHeadNanos) - upstreamStartNanos;
  }

  /** Nanoseconds from {@code startNanos} to the response head going to the client; -1 if never. */
  public long timeToFirstByteNanos(long startNanos) {
    return firstByteNanos == 0 ? -1 : firstByteNanos - startNanos;
  }
}
