package dev.weir.dataplane.upstream;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS step of an upstream connection: the endpoint's {@link UpstreamTls} travels to the channel
 * initializer as a channel attribute, the initializer puts an {@link SslHandler} first, and the
 * connection counts as open only after the handshake (chain and names verified, and {@code h2}
 * negotiated when HTTP/2 is wanted). A failure is logged once per connection, naming the endpoint,
 * the SNI and the reason, never certificate or key bytes; there is no cleartext retry. Stateless;
 * called on the connection's event loop.
 */
final class UpstreamTlsHandshakes {

  /** The TLS setting of the endpoint a new channel connects to; absent for cleartext. */
  static final AttributeKey<UpstreamEndpoint> ENDPOINT =
      AttributeKey.valueOf(UpstreamTlsHandshakes.class, "endpoint");

  private static final Logger log = LoggerFactory.getLogger(UpstreamTlsHandshakes.class);

  private UpstreamTlsHandshakes() {}

  /** Adds the TLS handler first in {@code ch}'s pipeline when its endpoint uses TLS. */
  static void addHandler(Channel ch) {
    UpstreamEndpoint endpoint = ch.attr(ENDPOINT).get();
    if (endpoint != null && endpoint.tls() != null) {
      ch.pipeline().addFirst(endpoint.tls().newHandler(ch.alloc(), endpoint));
    }
  }

  /**
   * Completes {@code promise} with {@code ch} once it is usable: at once for cleartext, after the
   * handshake for TLS; fails it (and closes {@code ch}) when the handshake or ALPN fails.
   */
  static void whenReady(Channel ch, UpstreamEndpoint endpoint, Promise<Channel> promise) {
    SslHandler ssl = endpoint.tls() == null ? null : ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      promise.trySuccess(ch);
      return;
    }
    ssl.handshakeFuture()
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                log.warn(
                    "TLS handshake with upstream {} failed, not sending the request: {}",
                    endpoint,
                    reason(f.cause()));
                ch.close();
                promise.tryFailure(f.cause());
                return;
              }
              String alpn = ssl.applicationProtocol();
              if (endpoint.tls().h2() && !ApplicationProtocolNames.HTTP_2.equals(alpn)) {
                log.warn("upstream {} did not select h2 by ALPN (got {}); closing", endpoint, alpn);
                ch.close();
                promise.tryFailure(new SSLHandshakeException("backend did not negotiate h2"));
                return;
              }
              promise.trySuccess(ch);
            });
  }

  /** The deepest message of {@code t}'s causes: the verifier's reason, not the engine's wrapper. */
  private static String reason(Throwable t) {
    String reason = String.valueOf(t.getMessage());
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && (c instanceof SSLException || c.getCause() == null)) {
        reason = c.getMessage();
      }
      if (c instanceof java.security.cert.CertificateException && c.getMessage() != null) {
        return c.getMessage();
      }
    }
    return reason;
  }
}
