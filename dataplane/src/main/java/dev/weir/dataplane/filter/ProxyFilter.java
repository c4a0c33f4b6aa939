package dev.weir.dataplane.filter;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One step of the request lifecycle, Weir's answer to Pingora's {@code ProxyHttp}. Every method has
 * a no-op default, so a filter overrides only its phases. Request phases run in chain order,
 * response phases in reverse ({@link FilterChain}).
 *
 * <ol>
 *   <li>{@link #onRequest}: may answer early through {@link RequestContext#answer}; later filters'
 *       {@code onRequest} are then skipped;
 *   <li>{@link #selectUpstream}: sets {@link RequestContext#endpoint};
 *   <li>{@link #onUpstreamRequest}: edits the head sent upstream;
 *   <li>{@link #onResponse}: edits the head sent downstream (also error and direct responses);
 *   <li>{@link #onResponseBody}: observes or replaces each part of the body sent downstream, only
 *       for responses whose {@code onResponse} asked for it ({@link
 *       RequestContext#watchResponseBody});
 *   <li>{@link #onError}: observes an error before it is answered;
 *   <li>{@link #onComplete}: once per exchange, for logging.
 * </ol>
 *
 * <h2>Waiting without blocking</h2>
 *
 * An {@code onRequest} that must wait (a fault delay, a JWKS fetch, an external authorization call)
 * calls {@link RequestContext#defer(java.util.concurrent.CompletionStage)} and returns. The chain
 * stops there; when the stage completes (on any thread) the proxy resumes on the channel's event
 * loop with the <em>next</em> filter's {@code onRequest}. Rules:
 *
 * <ul>
 *   <li>work that must happen after the wait and before the next filter (checking a fetched key,
 *       setting an answer) is chained onto the stage on {@link RequestContext#executor()} (the
 *       event loop), so the context is touched only from that loop;
 *   <li>an answer set before the stage completes ends the phase like any early answer; a stage that
 *       completes exceptionally without an answer is answered 500;
 *   <li>if the client goes away meanwhile the chain never resumes, {@link #onComplete} runs at
 *       once, and the stage is cancelled when it is a {@link java.util.concurrent.Future} (a filter
 *       cancels its own timers or fetches from that cancellation);
 *   <li>nothing of the request body is read while the phase waits: it stays in the socket or the
 *       HTTP/2 stream's flow-control window (backpressure), for HTTP/1.1 and HTTP/2 alike.
 * </ul>
 *
 * <p>Called only from the downstream channel's event loop; must not block. Filters must not keep
 * references to the messages they see (they are released once written).
 */
public interface ProxyFilter {

  /** The client's request head arrived; may answer early. */
  default void onRequest(RequestContext ctx, HttpRequest request) {}

  /** Choose the endpoint; called again (with the failed one set) when a connect is retried. */
  default void selectUpstream(RequestContext ctx) {}

  /** The head about to be sent upstream; edit it in place. */
  default void onUpstreamRequest(RequestContext ctx, HttpRequest request) {}

  /**
   * An upstream attempt is about to send {@code request} (the head {@link #onUpstreamRequest}
   * prepared) to {@link RequestContext#endpoint()}: once per attempt, retries included, so a filter
   * may set per-attempt headers (a trace context) and observe each attempt.
   */
  default void onUpstreamAttempt(RequestContext ctx, HttpRequest request) {}

  /** The response head about to be sent downstream; edit it in place. */
  default void onResponse(RequestContext ctx, HttpResponse response) {}

  /**
   * A part of the response body on its way downstream; the body phase, run in reverse chain order
   * like the other response phases, and only for a response for which some filter's {@link
   * #onResponse} called {@link RequestContext#watchResponseBody()} (other responses pay nothing).
   * Once asked for, every filter of the chain sees every part; a filter with nothing to do for this
   * request returns {@code content} as is (the default).
   *
   * <p>The body ends with a {@link io.netty.handler.codec.http.LastHttpContent}, which carries the
   * trailing fields; it comes exactly once, unless the exchange is aborted (then {@link
   * #onComplete} runs without it, and a filter frees what it held for the body there). Responses
   * the proxy makes itself (direct, error and cached answers) come as one last part.
   *
   * <p>Reference counting: the filter receives {@code content} with one reference that it owns. It
   * either returns it (the same object, perhaps with its buffer read but not released), or returns
   * a replacement and releases {@code content} itself; the returned part is owned by the next
   * filter and finally by the channel, which releases it once written. A {@code LastHttpContent}
   * must be replaced by a {@code LastHttpContent} (keep its trailing headers), a non-last part by a
   * non-last part; an empty part is allowed. To keep bytes, copy them (or {@code retain} a slice
   * and release it later, in {@link #onComplete} at the latest); never keep {@code content} itself.
   * Must not throw.
   *
   * @return the part to pass on, never null
   */
  default HttpContent onResponseBody(RequestContext ctx, HttpContent content) {
    return content;
  }

  /** The exchange failed with {@code error}; the error response follows. */
  default void onError(RequestContext ctx, ProxyError error) {}

  /** The exchange ended (answered, failed or aborted). */
  default void onComplete(RequestContext ctx) {}
}
