package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The decoded messages of one client connection that wait for {@link ProxyHandler} to take them,
 * bounded in requests. The decoder may emit many per socket read, pipelined requests included (RFC
 * 9112 §9.3.2); once more than {@code maxRequests} request heads wait, the next one is replaced by
 * {@link #OVERFLOW}, which the handler answers 503 and closes on, after the requests before it are
 * answered in order. Everything after the overflow is released unread.
 *
 * <p>Accessed only from the channel's event loop. Reference counting: the queue owns what it holds
 * until polled; {@link #releaseAll} releases the rest.
 */
final class InboundQueue {

  /** Stands for the request that went over the bound. */
  static final ProxyError OVERFLOW =
      ProxyError.downstream(ErrorKind.TOO_MANY_PIPELINED, "too many pipelined requests");

  private final ArrayDeque<Object> messages = new ArrayDeque<>();
  private final int maxRequests;
  private int requests;
  private boolean overflowed;

  InboundQueue(int maxRequests) {
    this.maxRequests = maxRequests;
  }

  /** Queues {@code msg}, or its overflow marker, or drops it after an overflow. */
  void add(Object msg) {
    if (overflowed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest) {
      if (requests == maxRequests) {
        overflowed = true;
        ReferenceCountUtil.release(msg);
        messages.add(OVERFLOW);
        return;
      }
      requests++;
    }
    messages.add(msg);
  }

  /** The oldest message, or null. */
  Object poll() {
    Object msg = messages.poll();
    if (msg instanceof HttpRequest) {
      requests--;
    }
    return msg;
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Releases everything queued. */
  void releaseAll() {
    for (Object msg; (msg = poll()) != null; ) {
      ReferenceCountUtil.release(msg);
    }
  }
}
