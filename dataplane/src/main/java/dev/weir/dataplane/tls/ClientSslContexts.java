package dev.weir.dataplane.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Builds the client {@link SslContext}s the data plane uses towards TLS backends: BoringSSL when
 * available (see {@link ServerSslContexts#provider()}), TLS 1.2 and 1.3, the same modern cipher
 * list as the listeners, a {@link NameCheckingTrustManager} for the chain and names, an optional
 * client certificate (mTLS), and ALPN offering only the protocol the cluster speaks ({@code h2} or
 * {@code http/1.1}). Stateless; thread-safe.
 */
public final class ClientSslContexts {

  private ClientSslContexts() {}

  /**
   * What to build a client context from. Holds key material: {@link #toString()} is redacted.
   *
   * @param caPem PEM trust anchors, may be empty when {@code systemTrust}
   * @param systemTrust add the JDK's default trust store
   * @param names the names the backend's certificate must present, any one (not empty)
   * @param clientChainPem PEM client certificate chain for mTLS, or null
   * @param clientKeyPem PEM PKCS#8 client key for mTLS, or null
   * @param h2 offer {@code h2} by ALPN (RFC 9113 §3.2), else {@code http/1.1}
   */
  public record Spec(
      byte[] caPem,
      boolean systemTrust,
      List<String> names,
      byte[] clientChainPem,
      byte[] clientKeyPem,
      boolean h2) {
    public Spec {
      names = List.copyOf(names);
    }

    @Override
    public String toString() {
      return "ClientSslContexts.Spec[names=" + names + ", h2=" + h2 + ", [redacted]]";
    }
  }

  /**
   * @throws SSLException when the CA bundle or client key pair cannot be used; the message never
   *     holds key material
   */
  public static SslContext build(Spec spec, SslProvider provider) throws SSLException {
    if (spec.names().isEmpty()) {
      throw new SSLException("upstream TLS needs an SNI hostname or subject alt names to verify");
    }
    NameCheckingTrustManager trust =
        new NameCheckingTrustManager(
            TrustAnchors.of(spec.caPem(), spec.systemTrust()), spec.names());
    String alpn = spec.h2() ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1;
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols("TLSv1.3", "TLSv1.2")
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .trustManager(trust)
            // The names are checked by the trust manager against config, not against the
            // endpoint's IP, so the engine's own host check stays off.
            .endpointIdentificationAlgorithm(null)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    alpn));
    try {
      if (spec.clientChainPem() != null && spec.clientKeyPem() != null) {
        b.keyManager(
            new ByteArrayInputStream(spec.clientChainPem()),
            new ByteArrayInputStream(spec.clientKeyPem()));
      }
      return b.build();
    } catch (IllegalArgumentException | SSLException e) {
      // As for server certificates: keep only the exception class, never PEM details.
      throw new SSLException(
          "invalid client certificate or key for upstream TLS ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }
}
