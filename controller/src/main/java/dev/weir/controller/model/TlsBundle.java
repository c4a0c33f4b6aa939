package dev.weir.controller.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A validated certificate chain and its private key, both PEM (the key always PKCS#8). Key
 * material: {@link #toString()} is redacted; never log the bytes.
 *
 * @param name {@code "namespace/secret"}
 * @param certificateChainPem the chain, leaf first
 * @param privateKeyPem the leaf's private key
 */
public record TlsBundle(String name, byte[] certificateChainPem, byte[] privateKeyPem) {
  public TlsBundle {
    Objects.requireNonNull(name, "name");
    certificateChainPem = certificateChainPem.clone();
    privateKeyPem = privateKeyPem.clone();
  }

  @Override
  public byte[] certificateChainPem() {
    return certificateChainPem.clone();
  }

  @Override
  public byte[] privateKeyPem() {
    return privateKeyPem.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsBundle t
        && name.equals(t.name)
        && Arrays.equals(certificateChainPem, t.certificateChainPem)
        && Arrays.equals(privateKeyPem, t.privateKeyPem);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(certificateChainPem), Arrays.hashCode(privateKeyPem));
  }

  @Override
  public String toString() {
    return "TlsBundle[name=" + name + ", [redacted]]";
  }
}
