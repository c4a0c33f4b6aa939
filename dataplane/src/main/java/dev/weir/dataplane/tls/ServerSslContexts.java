package dev.weir.dataplane.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
   * Builds a context from a PEM chain (leaf first) and a PEM PKCS#8 key.
   *
   * @param name the secret's name, for the result
   * @throws SSLException when the PEM cannot be parsed; the message never holds key material
   */
  public static ServerCertificate build(String name, byte[] chainPem, byte[] keyPem, SslProvider p)
      throws SSLException {
    SslContext context;
    try {
      context =
          SslContextBuilder.forServer(
                  new ByteArrayInputStream(chainPem), new ByteArrayInputStream(keyPem))
              .sslProvider(p)
              .protocols("TLSv1.3", "TLSv1.2")
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
    } catch (IllegalArgumentException | SSLException e) {
      // Exception texts from PEM parsing describe the structure, not the bytes; keep only the
      // class to be sure no key material reaches logs or NACKs.
      throw new SSLException(
          "invalid PEM certificate chain or private key (" + e.getClass().getSimpleName() + ")");
    }
    return new ServerCertificate(name, digest(chainPem, keyPem), context);
  }

  /** Hex sha256 over both inputs, to detect an unchanged secret. */
  public static String digest(byte[] chainPem, byte[] keyPem) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(chainPem);
      sha.update((byte) 0);
      sha.update(keyPem);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
