package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;

/**
 * A forwarded request's cache state: the entry it may revalidate, and the response body being
 * copied for storing. The copy is on the heap, so nothing needs releasing when the exchange is
 * aborted. Accessed only from the exchange's event loop.
 */
public final class CacheMiss {

  private final String uri;
  private final ResponseStore store;
  private final long requestTime;
  private final CachedResponse stale;
  private final HttpHeaders request;
  private CachedResponse head;
  private byte[] body;
  private int length;

  /**
   * @param request the request's header fields as sent upstream, for the response's {@code Vary};
   *     kept until the response head arrives (header objects hold no buffers)
   * @param stale a stored entry to revalidate (RFC 9111 §4.3.1), or null
   */
  public CacheMiss(
      String uri,
      ResponseStore store,
      HttpHeaders request,
      long requestTime,
      CachedResponse stale) {
    this.request = request;
    this.uri = uri;
    this.store = store;
    this.requestTime = requestTime;
    this.stale = stale;
  }

  public String uri() {
    return uri;
  }

  public ResponseStore store() {
    return store;
  }

  public long requestTime() {
    return requestTime;
  }

  /** The request's header fields. */
  public HttpHeaders request() {
    return request;
  }

  /** The stale entry being revalidated, or null. */
  public CachedResponse stale() {
    return stale;
  }

  /**
   * Starts copying the body of a storable response.
   *
   * @param head the entry to store, with an empty body, which the copied body completes
   * @param contentLength the declared length, or -1
   */
  public void capture(CachedResponse head, long contentLength) {
    this.head = head;
    this.body = new byte[(int) Math.max(0, Math.min(contentLength, store.maxEntryBytes()))];
  }

  /** Whether the body is being copied. */
  public boolean capturing() {
    return body != null;
  }

  /** Copies one body part (its buffer is left as it was); gives up past the entry limit. */
  public void append(HttpContent part) {
    int n = part.content().readableBytes();
    if (!part.decoderResult().isSuccess()) {
      body = null; // a body cut short (RFC 9112 §8: an incomplete message is not stored)
    }
    if (body == null || n == 0) {
      return;
    }
    if ((long) length + n > store.maxEntryBytes()) {
      body = null;
      return;
    }
    if (length + n > body.length) {
      long grown = Math.min(2L * body.length, store.maxEntryBytes());
      body = Arrays.copyOf(body, (int) Math.max(length + n, grown));
    }
    part.content().getBytes(part.content().readerIndex(), body, length, n);
    length += n;
  }

  /** The body ended: store it. */
  public void finish() {
    if (body == null) {
      return;
    }
    byte[] whole = length == body.length ? body : Arrays.copyOf(body, length);
    body = null;
    store.put(
        uri,
        new CachedResponse(
            head.status(),
            head.headers(),
            whole,
            head.vary(),
            head.lifetimeMillis(),
            head.initialAgeMillis(),
            head.responseTime()));
  }

  /** A copy of response header fields fit for storing. */
  public static HttpHeaders clean(HttpHeaders response, long now) {
    return StoredHeaders.clean(response.copy(), now);
  }
}
