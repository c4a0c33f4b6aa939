package dev.weir.controller.translate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** Checks CA bundles read from ConfigMaps ({@code ca.crt}). Stateless. */
final class CaBundles {

  private CaBundles() {}

  /** Whether {@code pem} holds at least one parseable PEM certificate and nothing unparseable. */
  static boolean parses(String pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty();
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }
}
