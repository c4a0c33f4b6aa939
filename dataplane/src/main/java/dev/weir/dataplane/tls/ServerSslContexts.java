package dev.weir.dataplane.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds server {@link SslContext}s from PEM: BoringSSL (netty-tcnative) when it loads, else the
 * JDK provider with one loud warning; TLS 1.2 and 1.3; ALPN offering {@code h2}, then {@code
 * http/1.1}. Stateless apart from the warn-once flag; thread-safe.
 */
public final class ServerSslContexts {

  private static final Logger log = LoggerFactory.getLogger(ServerSslContexts.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private ServerSslContexts() {}

  /** The provider used: OPENSSL when available. */
  public static SslProvider provider() {
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "BoringSSL (netty-tcnative) is not available, falling back to the slower JDK TLS: {}",
          String.valueOf(OpenSsl.unavailabilityCause()));
    }
    return SslProvider.JDK;
  }

  /**
   * What a server context has beside its certificate; {@link #NONE} for a plain one.
   *
   * @param ocspResponse a DER OCSP response to staple (RFC 6066 §8), or empty; BoringSSL only
   * @param clientCaPem PEM CA certificates client certificates must chain to, or empty for no
   *     client authentication
   * @param clientCertificateOptional with {@code clientCaPem}: a client without a certificate is
   *     still served (one with an invalid certificate is not)
   * @param tickets the shared session ticket keys, or null for the provider's own
   */
  public record Options(
      byte[] ocspResponse,
      byte[] clientCaPem,
      boolean clientCertificateOptional,
      SessionTicketKeys tickets) {
    public static final Options NONE = new Options(new byte[0], new byte[0], false, null);

    @Override
    public String toString() {
      return "ServerSslContexts.Options[ocsp="
          + (ocspResponse.length > 0)
          + ", clientAuth="
          + (clientCaPem.length > 0)
          + "]";
    }
  }

  /**
   * Builds a context from a PEM chain (leaf first) and a PEM PKCS#8 key.
   *
   * @param name the secret's name, for the result
   * @throws SSLException when the PEM cannot be parsed; the message never holds key material
   */
  public static ServerCertificate build(String name, byte[] chainPem, byte[] keyPem, SslProvider p)
      throws SSLException {
    return build(name, chainPem, keyPem, p, Options.NONE);
  }

  /**
   * As {@link #build(String, byte[], byte[], SslProvider)}, with OCSP stapling, client certificate
   * validation and shared ticket keys as {@code options} say.
   */
  public static ServerCertificate build(
      String name, byte[] chainPem, byte[] keyPem, SslProvider p, Options options)
      throws SSLException {
    boolean ocsp = options.ocspResponse().length > 0;
    if (ocsp && p != SslProvider.OPENSSL) {
      throw new SSLException("OCSP stapling needs BoringSSL (netty-tcnative)");
    }
    SslContext context;
    try {
      SslContextBuilder b =
          (p == SslProvider.OPENSSL
                  ? SystemRsaSigning.serverBuilder(chainPem, keyPem)
                  : Optional.<SslContextBuilder>empty())
              .orElseGet(
                  () ->
                      SslContextBuilder.forServer(
                          new ByteArrayInputStream(chainPem), new ByteArrayInputStream(keyPem)))
              .sslProvider(p)
              .enableOcsp(ocsp);
      if (options.clientCaPem().length > 0) {
        // RFC 8446 §4.3.2: ask for a certificate; REQUIRE fails the handshake without one.
        b.clientAuth(options.clientCertificateOptional() ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE)
            .trustManager(TrustAnchors.of(options.clientCaPem(), false));
      }
      context =
          b.protocols("TLSv1.3", "TLSv1.2")
              // RFC 9113 §9.2.2: no cipher suite from its block list when h2 is negotiated.
              .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      ApplicationProtocolNames.HTTP_2,
                      ApplicationProtocolNames.HTTP_1_1))
              .build();
      if (context.sessionContext() instanceof OpenSslServerSessionContext s) {
        // Resumed sessions must belong to this kind of context (OpenSSL refuses to resume a
        // client-authenticated session without one).
        s.setSessionIdContext("weir".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    } catch (IllegalArgumentException | SSLException e) {
      // Exception texts from PEM parsing describe the structure, not the bytes; keep only the
      // class to be sure no key material reaches logs or NACKs.
      throw new SSLException(
          "invalid PEM certificate chain or private key (" + e.getClass().getSimpleName() + ")");
    }
    if (options.tickets() != null) {
      options.tickets().register(context);
    }
    if (ocsp) {
      context = new OcspStaplingContext(context, options.ocspResponse());
    }
    return new ServerCertificate(
        name,
        digest(
            chainPem,
            keyPem,
            options.ocspResponse(),
            options.clientCaPem(),
            new byte[] {(byte) (options.clientCertificateOptional() ? 1 : 0)}),
        context);
  }

  /** Hex sha256 over every input, to detect an unchanged secret. */
  public static String digest(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          sha.update((byte) 0);
        }
        sha.update(parts[i]);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
