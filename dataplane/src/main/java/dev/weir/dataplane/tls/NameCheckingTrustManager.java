package dev.weir.dataplane.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust decision for one upstream TLS setting: the chain must be valid for the trust anchors of
 * {@code delegate} (PKIX, RFC 5280 §6), then the leaf must present one of {@code names} ({@link
 * SubjectAltNames}). Used by the handshake on an event loop; immutable, so thread-safe.
 *
 * <p>Extends {@link X509ExtendedTrustManager} so that neither the JDK nor netty-tcnative adds a
 * check of its own against the peer host (the endpoint is an IP; the names come from config).
 * Failure messages name the wanted names only, never certificate bytes or keys.
 */
final class NameCheckingTrustManager extends X509ExtendedTrustManager {

  private final X509TrustManager delegate;
  private final List<String> names;

  NameCheckingTrustManager(X509TrustManager delegate, List<String> names) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.names = List.copyOf(names);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw new CertificateException(
          "backend certificate chain is not trusted by the configured CA certificates", e);
    }
    if (!SubjectAltNames.matchesAny(chain[0], names)) {
      throw new CertificateException(
          "backend certificate presents none of the expected names " + names);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
