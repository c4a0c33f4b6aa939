package dev.weir.dataplane.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Process-wide settings of the proxy core, fixed at start-up (the snapshot carries everything that
 * may change at run time). Immutable.
 *
 * @param ioThreads event-loop threads; 0 means one per available core
 * @param bindAddress the address listeners bind to, for example {@code "0.0.0.0"}
 * @param maxInitialLineLength longest request line accepted; longer gets 414 (RFC 9112 §3)
 * @param maxHeaderSize largest header section accepted; larger gets 431 (RFC 6585 §5)
 * @param maxHeaderCount most header fields accepted; more gets 431
 * @param downstreamIdleTimeout a client connection with no request in flight is closed after this
 * @param upstreamIdleTimeout a pooled upstream connection unused for this long is closed
 * @param defaultConnectTimeout used when a cluster sets no connect timeout
 * @param defaultResponseTimeout used when a cluster sets no response timeout
 * @param maxIdlePerEndpoint most idle upstream connections kept per endpoint and event loop
 * @param http1 limits against hostile HTTP/1.1 clients: body size, slow clients, connections
 * @param http2 the limits of client HTTP/2 connections
 */
public record ProxySettings(
    int ioThreads,
    String bindAddress,
    int maxInitialLineLength,
    int maxHeaderSize,
    int maxHeaderCount,
    Duration downstreamIdleTimeout,
    Duration upstreamIdleTimeout,
    Duration defaultConnectTimeout,
    Duration defaultResponseTimeout,
    int maxIdlePerEndpoint,
    Http1Limits http1,
    Http2Limits http2) {

  public ProxySettings {
    Objects.requireNonNull(http2, "http2");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(downstreamIdleTimeout, "downstreamIdleTimeout");
    Objects.requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
    Objects.requireNonNull(defaultConnectTimeout, "defaultConnectTimeout");
    Objects.requireNonNull(defaultResponseTimeout, "defaultResponseTimeout");
    Objects.requireNonNull(http1, "http1");
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads must be >= 0: " + ioThreads);
    }
    if (maxInitialLineLength <= 0 || maxHeaderSize <= 0 || maxHeaderCount <= 0) {
      throw new IllegalArgumentException("HTTP limits must be positive");
    }
    if (maxIdlePerEndpoint < 0) {
      throw new IllegalArgumentException("maxIdlePerEndpoint must be >= 0");
    }
  }

  /** The defaults: one thread per core, all addresses, 8 KiB request line, 16 KiB headers. */
  public static ProxySettings defaults() {
    return new ProxySettings(
        0,
        "0.0.0.0",
        8192,
        16384,
        100,
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        // Above the requests one loop keeps in flight to one endpoint under load: a burst of
        // responses must not close connections that the next burst of requests opens again.
        256,
        Http1Limits.defaults(),
        Http2Limits.defaults());
  }

  /** A copy with another bind address (tests bind to 127.0.0.1). */
  public ProxySettings withBindAddress(String address) {
    return new ProxySettings(
        ioThreads,
        address,
        maxInitialLineLength,
        maxHeaderSize,
        maxHeaderCount,
        downstreamIdleTimeout,
        upstreamIdleTimeout,
        defaultConnectTimeout,
        defaultResponseTimeout,
        maxIdlePerEndpoint,
        http1,
        http2);
  }

  /** A copy with other HTTP/1.1 limits. */
  public ProxySettings withHttp1(Http1Limits limits) {
    return new ProxySettings(
        ioThreads,
        bindAddress,
        maxInitialLineLength,
        maxHeaderSize,
        maxHeaderCount,
        downstreamIdleTimeout,
        upstreamIdleTimeout,
        defaultConnectTimeout,
        defaultResponseTimeout,
        maxIdlePerEndpoint,
        limits,
        http2);
  }

  /** A copy with other HTTP/2 limits. */
  public ProxySettings withHttp2(Http2Limits limits) {
    return new ProxySettings(
        ioThreads,
        bindAddress,
        maxInitialLineLength,
        maxHeaderSize,
        maxHeaderCount,
        downstreamIdleTimeout,
        upstreamIdleTimeout,
        defaultConnectTimeout,
        defaultResponseTimeout,
        maxIdlePerEndpoint,
        http1,
        limits);
  }
}
