package dev.weir.dataplane.upstream;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what happens on a leased upstream connection. Implemented by the exchange that leased
 * it; called only from that connection's event loop (which is the downstream connection's).
 */
public interface UpstreamListener {

  /** A decoded response part; the listener owns (and must release or pass on) it. */
  void onUpstreamMessage(HttpObject msg);

  /** The connection closed. */
  void onUpstreamClosed();

  /** The connection failed. */
  void onUpstreamFailure(Throwable cause);

  /** The connection's writability changed (request-body backpressure). */
  void onUpstreamWritabilityChanged(boolean writable);
}
