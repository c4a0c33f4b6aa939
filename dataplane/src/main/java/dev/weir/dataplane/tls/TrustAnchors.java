package dev.weir.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds a PKIX {@link X509TrustManager} from a PEM CA bundle, the JDK's default trust store, or
 * both. Stateless; the result is immutable and thread-safe.
 */
public final class TrustAnchors {

  private TrustAnchors() {}

  /**
   * @param caPem PEM certificates (may be empty)
   * @param system whether to add the JDK's default trust store ({@code cacerts})
   * @throws SSLException when the PEM holds no certificate, does not parse, or no anchor is left
   */
  public static X509TrustManager of(byte[] caPem, boolean system) throws SSLException {
    List<X509Certificate> anchors = new ArrayList<>(parse(caPem));
    if (system) {
      anchors.addAll(List.of(defaultTrustManager(null).getAcceptedIssuers()));
    }
    if (anchors.isEmpty()) {
      throw new SSLException("no CA certificates to verify the backend with");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("ca-" + i, anchors.get(i));
      }
      return defaultTrustManager(store);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new SSLException("cannot build a trust store: " + e.getClass().getSimpleName());
    }
  }

  /** Parses PEM certificates; an empty input gives an empty list. */
  public static List<X509Certificate> parse(byte[] pem) throws SSLException {
    if (pem.length == 0) {
      return List.of();
    }
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new SSLException("the CA bundle holds no PEM certificate");
      }
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new SSLException("the CA bundle is not valid PEM certificates");
    }
  }

  private static X509TrustManager defaultTrustManager(KeyStore store) throws SSLException {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new SSLException("no X509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new SSLException("cannot load the trust store: " + e.getClass().getSimpleName());
    }
  }
}
