package dev.weir.dataplane.server;

/**
 * The limits a client HTTP/2 connection is held to: what the proxy announces in its SETTINGS frame
 * (RFC 9113 §6.5.2), the connection's receive window, and the rapid-reset guard. Fixed at start-up
 * and shared by every listener. Immutable.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: a stream opened beyond it is reset
 *     with REFUSED_STREAM (RFC 9113 §5.1.2)
 * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE, counted after HPACK decoding (RFC 9113
 *     §6.5.2), so a small compressed block that expands (an HPACK bomb) is cut off: a bit over the
 *     limit answers 431, far over it ends the connection
 * @param initialWindowSize SETTINGS_INITIAL_WINDOW_SIZE: how many request body bytes one stream may
 *     send before the proxy reads them, which bounds what is buffered per stream (RFC 9113 §6.9.2)
 * @param connectionWindowSize the connection's receive window (RFC 9113 §6.9): raised from the
 *     protocol's 65,535 by a WINDOW_UPDATE on stream 0 after the preface
 * @param maxResetsPerWindow RST_STREAM frames a client may send per {@code resetWindowSeconds}
 *     before it gets GOAWAY ENHANCE_YOUR_CALM (CVE-2023-44487, "rapid reset")
 * @param resetWindowSeconds the window of {@code maxResetsPerWindow}
 */
public record Http2Limits(
    long maxConcurrentStreams,
    long maxHeaderListSize,
    int initialWindowSize,
    int connectionWindowSize,
    int maxResetsPerWindow,
    int resetWindowSeconds) {

  /** RFC 9113 §6.9.1: the largest window, 2^31 - 1. */
  public static final int MAX_WINDOW = Integer.MAX_VALUE;

  /** RFC 9113 §6.9.2: every window starts at 65,535 bytes. */
  public static final int DEFAULT_WINDOW = 65_535;

  public Http2Limits {
    if (maxConcurrentStreams < 1 || maxConcurrentStreams > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "max concurrent streams must be 1..4294967295: " + maxConcurrentStreams);
    }
    // A header block must at least hold a request's pseudo-header fields.
    if (maxHeaderListSize < 256 || maxHeaderListSize > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "max header list size must be 256..4294967295: " + maxHeaderListSize);
    }
    if (initialWindowSize < 1) {
      throw new IllegalArgumentException("initial window size must be 1..2^31-1");
    }
    if (connectionWindowSize < DEFAULT_WINDOW) {
      throw new IllegalArgumentException(
          "connection window size must be 65535..2^31-1: " + connectionWindowSize);
    }
    if (maxResetsPerWindow < 1 || resetWindowSeconds < 1) {
      throw new IllegalArgumentException("the reset limit and its window must be positive");
    }
  }

  /**
   * The defaults: 100 streams (RFC 9113 §6.5.2 recommends no fewer), a 16 KiB header list as for
   * HTTP/1, 64 KiB per stream, 1 MiB per connection, and Netty's rapid-reset guard of 200 resets
   * per 30 seconds.
   */
  public static Http2Limits defaults() {
    return new Http2Limits(100, 16 * 1024, DEFAULT_WINDOW, 1024 * 1024, 200, 30);
  }

  /** A copy with other SETTINGS values and connection window, keeping the reset guard. */
  public Http2Limits withSettings(
      long maxConcurrentStreams,
      long maxHeaderListSize,
      int initialWindowSize,
      int connectionWindowSize) {
    return new Http2Limits(
        maxConcurrentStreams,
        maxHeaderListSize,
        initialWindowSize,
        connectionWindowSize,
        maxResetsPerWindow,
        resetWindowSeconds);
  }
}
