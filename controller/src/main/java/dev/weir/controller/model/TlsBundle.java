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
 * @param ocspResponse a DER OCSP response for the leaf, stapled by the data plane (the Secret's
 *     {@code tls.ocsp-staple} key), or empty
 */
public record TlsBundle(
    String name, byte[] certificateChainPem, byte[] privateKeyPem, byte[] ocspResponse) {

  /** The Secret key holding a DER OCSP response to staple (Weir's convention). */
  public static final String OCSP_KEY = "tls.ocsp-staple";

  public TlsBundle {
    Objects.requireNonNull(name, "name");
    certificateChainPem = certificateChainPem.clone();
    privateKeyPem = privateKeyPem.clone();
    ocspResponse = ocspResponse.clone();
  }

  /** A bundle without an OCSP response. */
  public TlsBundle(String name, byte[] certificateChainPem, byte[] privateKeyPem) {
    this(name, certificateChainPem, privateKeyPem, new byte[0]);
  }

  /** This bundle with {@code response} to staple. */
  public TlsBundle withOcspResponse(byte[] response) {
    return new TlsBundle(name, certificateChainPem, privateKeyPem, response);
  }

  @Override
  public byte[] ocspResponse() {
    return ocspResponse.clone();
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
        && Arrays.equals(privateKeyPem, t.privateKeyPem)
        && Arrays.equals(ocspResponse, t.ocspResponse);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        Arrays.hashCode(certificateChainPem),
        Arrays.hashCode(privateKeyPem),
        Arrays.hashCode(ocspResponse));
  }

  @Override
  public String toString() {
    return "TlsBundle[name=" + name + ", [redacted]]";
  }
}
