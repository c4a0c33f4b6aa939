package dev.weir.dataplane.server;

import io.netty.util.ByteProcessor;

/**
 * Checks the raw bytes of one request head for what Netty's {@code HttpRequestDecoder} accepts but
 * RFC 9112 lets a server refuse, before the decoder has rewritten them:
 *
 * <ul>
 *   <li>obs-fold (§5.2): a field line that starts with SP or HTAB continues the previous one; Netty
 *       joins them, and a server "MUST either reject the message by sending a 400" or replace the
 *       fold: we reject, as a backend could fold differently;
 *   <li>a request line that is not exactly {@code method SP target SP version} (§3): Netty splits
 *       on any run of whitespace, which §3 allows but need not.
 * </ul>
 *
 * Empty lines before the request line are skipped, as the decoder does (§2.2). The scan stops at
 * the empty line that ends the head; {@link #reset} starts the next request's. Fed by {@link
 * ProxyRequestDecoder} with each new byte once; accessed only from the channel's event loop.
 */
final class HeadScanner implements ByteProcessor {

  private enum State {
    START,
    REQUEST_LINE,
    LINE_START,
    FIELD_LINE,
    DONE,
    INVALID
  }

  private State state = State.START;
  private byte previous;

  /** Prepares for the next request's head. */
  void reset() {
    state = State.START;
    previous = 0;
  }

  /** Whether the head seen so far ended (its empty line was scanned). */
  boolean done() {
    return state == State.DONE;
  }

  /** Whether the head broke one of the rules above. */
  boolean invalid() {
    return state == State.INVALID;
  }

  @Override
  public boolean process(byte b) {
    switch (state) {
      case START -> {
        if (b != '\r' && b != '\n') {
          state = State.REQUEST_LINE;
          return request(b);
        }
      }
      case REQUEST_LINE -> {
        return request(b);
      }
      case LINE_START -> {
        if (b == ' ' || b == '\t') {
          state = State.INVALID; // §5.2 obs-fold
          return false;
        }
        if (b == '\n') {
          state = State.DONE;
          return false;
        }
        state = b == '\r' ? State.LINE_START : State.FIELD_LINE;
      }
      case FIELD_LINE -> {
        if (b == '\n') {
          state = State.LINE_START;
        }
      }
      case DONE, INVALID -> {
        return false;
      }
    }
    return true;
  }

  private boolean request(byte b) {
    if (b == '\n') {
      state = State.LINE_START;
    } else if (b == '\t' || (b == ' ' && previous == ' ')) {
      // §3: the three parts are separated by one SP each.
      state = State.INVALID;
      return false;
    }
    previous = b;
    return true;
  }
}
