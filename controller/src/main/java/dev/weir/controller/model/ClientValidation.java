package dev.weir.controller.model;

import java.util.Objects;

/**
 * Client-certificate validation on an HTTPS listener (Gateway API v1.4 {@code spec.tls.frontend});
 * mirrors {@code Listener.client_ca_certificates} and {@code client_certificate_optional}. Holds CA
 * certificates only (public data).
 *
 * @param caCertificatesPem the PEM CA bundles client certificates must chain to, concatenated
 * @param optional {@code mode: AllowInsecureFallback}: clients without a certificate are served
 */
public record ClientValidation(String caCertificatesPem, boolean optional) {
  public ClientValidation {
    Objects.requireNonNull(caCertificatesPem, "caCertificatesPem");
  }
}
