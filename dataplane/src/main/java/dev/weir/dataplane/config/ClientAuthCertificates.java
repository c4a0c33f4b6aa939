package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.dataplane.tls.ServerCertificate;
import dev.weir.dataplane.tls.ServerSslContexts;
import dev.weir.dataplane.tls.SessionTicketKeys;
import io.netty.handler.ssl.SslProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The server certificates of listeners that validate client certificates (Gateway API frontend TLS
 * validation): the same secret, built again with the listener's client CA bundle. Such a variant is
 * named {@code "secret#client-auth:DIGEST"} in the config's certificate map, so a listener with the
 * same CA shares it and an unchanged one is reused across snapshots. Used by {@link
 * RuntimeConfigCompiler} on the applying thread; one compile at a time.
 */
final class ClientAuthCertificates {

  /** Separates a secret's name from its variant in the certificate map. */
  static final String MARK = "#client-auth:";

  private final SslProvider provider;
  private final SessionTicketKeys tickets;
  private final Map<String, TlsSecret> secrets = new HashMap<>();
  private final Map<String, ServerCertificate> previous;

  ClientAuthCertificates(
      SslProvider provider,
      SessionTicketKeys tickets,
      List<TlsSecret> secrets,
      RuntimeConfig previousConfig) {
    this.provider = provider;
    this.tickets = tickets;
    secrets.forEach(s -> this.secrets.put(s.getName(), s));
    this.previous = previousConfig == null ? Map.of() : previousConfig.certificates();
  }

  /**
   * The variant of secret {@code name} for listener {@code l}, added to {@code certificates}; null
   * (with an error) when it cannot be built.
   */
  ServerCertificate variant(
      Listener l,
      String name,
      Map<String, ServerCertificate> certificates,
      List<ResourceError> errors) {
    byte[] ca = l.getClientCaCertificates().toByteArray();
    byte[] optional = {(byte) (l.getClientCertificateOptional() ? 1 : 0)};
    String variant = name + MARK + ServerSslContexts.digest(ca, optional).substring(0, 16);
    ServerCertificate done = certificates.get(variant);
    if (done != null) {
      return done;
    }
    TlsSecret s = secrets.get(name);
    if (s == null) {
      return null; // the caller reports the unknown secret
    }
    byte[] chain = s.getCertificateChain().toByteArray();
    byte[] key = s.getPrivateKey().toByteArray();
    byte[] ocsp = s.getOcspResponse().toByteArray();
    ServerCertificate old = previous.get(variant);
    if (old != null
        && old.digest().equals(ServerSslContexts.digest(chain, key, ocsp, ca, optional))) {
      certificates.put(variant, old);
      return old;
    }
    try {
      ServerCertificate built =
          ServerSslContexts.build(
              variant,
              chain,
              key,
              provider,
              new ServerSslContexts.Options(ocsp, ca, l.getClientCertificateOptional(), tickets));
      certificates.put(variant, built);
      return built;
    } catch (SSLException e) {
      errors.add(
          RuntimeConfigCompiler.error(
              "listener", l.getName(), "client certificate validation: " + e.getMessage()));
      return null;
    }
  }
}
