package dev.weir.dataplane.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Objects;

/**
 * How connections to a TLS backend are made: the client {@link SslContext} (trust anchors, names to
 * verify, client certificate, ALPN), the SNI to send, and whether HTTP/2 is spoken. Part of {@link
 * UpstreamEndpoint}, so TLS connections are pooled apart from cleartext ones and from other TLS
 * settings to the same address.
 *
 * <p>Equality is by {@code key}, a digest of every input of the context, so an unchanged setting in
 * the next snapshot keeps its pooled connections. Immutable; the context is thread-safe.
 */
public final class UpstreamTls {

  private final String key;
  private final SslContext context;
  private final String sni;
  private final boolean h2;

  /**
   * @param key hex digest of every input of {@code context}
   * @param context the client context
   * @param sni the SNI hostname, or "" to send none
   * @param h2 whether the connection must negotiate {@code h2} by ALPN
   */
  public UpstreamTls(String key, SslContext context, String sni, boolean h2) {
    this.key = Objects.requireNonNull(key, "key");
    this.context = Objects.requireNonNull(context, "context");
    this.sni = Objects.requireNonNull(sni, "sni");
    this.h2 = h2;
  }

  /** The digest that identifies this setting. */
  public String key() {
    return key;
  }

  public SslContext context() {
    return context;
  }

  public String sni() {
    return sni;
  }

  public boolean h2() {
    return h2;
  }

  /**
   * A new handler for a connection to {@code endpoint}. The peer host given to the engine is the
   * SNI name (RFC 6066 §3: never an IP literal, which the engine leaves out by itself). Public for
   * the health checkers, which speak the cluster's TLS too.
   */
  public SslHandler newHandler(ByteBufAllocator alloc, UpstreamEndpoint endpoint) {
    return context.newHandler(alloc, sni.isEmpty() ? endpoint.address() : sni, endpoint.port());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpstreamTls t && t.key.equals(key) && t.h2 == h2;
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "tls(sni=" + sni + (h2 ? ", h2" : "") + ")";
  }
}
