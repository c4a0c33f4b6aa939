package dev.weir.dataplane.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLEngine;

/**
 * A BoringSSL server context that staples one OCSP response (RFC 6960) in the handshake of every
 * client that asks for it with {@code status_request} (RFC 6066 §8). The response is set on each
 * new engine, since BoringSSL keeps it per connection. Immutable; thread-safe.
 */
final class OcspStaplingContext extends DelegatingSslContext {

  private final byte[] response;

  OcspStaplingContext(SslContext delegate, byte[] response) {
    super(delegate);
    this.response = response.clone();
  }

  @Override
  protected void initEngine(SSLEngine engine) {
    if (engine instanceof ReferenceCountedOpenSslEngine e) {
      e.setOcspResponse(response);
    }
  }
}
