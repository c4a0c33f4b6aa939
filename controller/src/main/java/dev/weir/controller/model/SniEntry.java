package dev.weir.controller.model;

import java.util.Objects;

/**
 * A hostname served with a certificate.
 *
 * @param hostname exact ("foo.example.com") or wildcard ("*.example.com")
 * @param secret the {@link TlsBundle#name()} to serve
 */
public record SniEntry(String hostname, String secret) {
  public SniEntry {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(secret, "secret");
  }
}
