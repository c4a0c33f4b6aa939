package dev.weir.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import java.util.Objects;

/**
 * A TLS secret turned into a server {@link SslContext}, plus a digest of its PEM so that an
 * unchanged secret is not rebuilt on the next snapshot. Immutable; the context is thread-safe.
 * Holds no key bytes, and {@link #toString()} is redacted anyway.
 */
public final class ServerCertificate {

  private final String name;
  private final String digest;
  private final SslContext context;

  /**
   * @param name the secret's name ({@code "namespace/secret"})
   * @param digest hex sha256 of its certificate chain and key
   * @param context the built context
   */
  public ServerCertificate(String name, String digest, SslContext context) {
    this.name = Objects.requireNonNull(name, "name");
    this.digest = Objects.requireNonNull(digest, "digest");
    this.context = Objects.requireNonNull(context, "context");
  }

  public String name() {
    return name;
  }

  /** Hex sha256 of the PEM inputs; equal digests mean the same certificate and key. */
  public String digest() {
    return digest;
  }

  public SslContext context() {
    return context;
  }

  @Override
  public String toString() {
    return "ServerCertificate[" + name + ", [redacted]]";
  }
}
