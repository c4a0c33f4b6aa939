package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.testing.TestCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslPrivateKeyMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RSA signatures by the system's OpenSSL 3: each TLS signature scheme verifies with the JDK's own
 * RSA, BoringSSL calls the signer in real TLS 1.3 and 1.2 handshakes, and keys it must not take are
 * left to BoringSSL.
 */
class SystemRsaSigningTest {

  private static final TestCertificates.Pem rsa = TestCertificates.selfSignedRsa("rsa.example");

  @BeforeAll
  static void theSystemSignerLoadsWhereItCan() {
    boolean libcrypto =
        List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib")
            .stream()
            .anyMatch(d -> Files.exists(Path.of(d, "libcrypto.so.3")));
    // This machine and CI run Java 25 with Debian's OpenSSL 3: the signer must be there.
    assertThat(signer(rsa).isPresent())
        .as("the system RSA signer on Java %s, libcrypto.so.3 %s", Runtime.version(), libcrypto)
        .isEqualTo(Runtime.version().feature() >= 22 && libcrypto);
  }

  @Test
  void everyRsaSchemeVerifiesWithTheJdk() throws Exception {
    OpenSslPrivateKeyMethod signer = signer(rsa).orElseThrow();
    byte[] message = "the TLS 1.3 CertificateVerify content".getBytes(StandardCharsets.US_ASCII);
    Map<Integer, Signature> verifiers =
        Map.of(
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA1, Signature.getInstance("SHA1withRSA"),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA256,
                Signature.getInstance("SHA256withRSA"),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA384,
                Signature.getInstance("SHA384withRSA"),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA512,
                Signature.getInstance("SHA512withRSA"),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA256, pss("SHA-256", 32),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA384, pss("SHA-384", 48),
            OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA512, pss("SHA-512", 64));
    for (Map.Entry<Integer, Signature> e : verifiers.entrySet()) {
      byte[] signature = signer.sign(null, e.getKey(), message);
      Signature verifier = e.getValue();
      verifier.initVerify(rsa.certificate().getPublicKey());
      verifier.update(message);
      assertThat(verifier.verify(signature)).as("scheme 0x%04x", e.getKey()).isTrue();
      verifier.initVerify(rsa.certificate().getPublicKey());
      verifier.update("another message".getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(signature))
          .as("scheme 0x%04x, other message", e.getKey())
          .isFalse();
    }
    assertThatThrownBy(
            () ->
                signer.sign(null, OpenSslPrivateKeyMethod.SSL_SIGN_ECDSA_SECP256R1_SHA256, message))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("0x403");
    assertThat(signer.toString()).startsWith("the system's OpenSSL 3.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void keylessContextsHandshakeBecauseTheSystemSigns(String protocol) throws Exception {
    // BoringSSL never sees the key: each handshake that completes was signed by OpenSSL.
    SslContext server =
        SystemRsaSigning.serverBuilder(bytes(rsa.certificatePem()), bytes(rsa.privateKeyPem()))
            .orElseThrow()
            .sslProvider(SslProvider.OPENSSL)
            .protocols(protocol)
            .build();
    for (int i = 0; i < 3; i++) {
      assertThat(handshake(server, protocol)).isEqualTo(protocol);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void serverContextsForRsaKeysHandshake(String protocol) throws Exception {
    ServerCertificate cert =
        ServerSslContexts.build(
            "default/rsa",
            bytes(rsa.certificatePem()),
            bytes(rsa.privateKeyPem()),
            SslProvider.OPENSSL);
    assertThat(handshake(cert.context(), protocol)).isEqualTo(protocol);
  }

  @Test
  void keysItMustNotTakeAreLeftToBoringSsl() throws Exception {
    TestCertificates.Pem ecdsa = TestCertificates.selfSigned("ecdsa.example");
    TestCertificates.Pem otherRsa = TestCertificates.selfSignedRsa("other.example");
    assertThat(signer(ecdsa)).isEmpty();
    assertThat(
            SystemRsaSigning.serverBuilder(
                bytes(ecdsa.certificatePem()), bytes(ecdsa.privateKeyPem())))
        .isEmpty();
    assertThat(SystemRsaSigning.serverBuilder(bytes(rsa.certificatePem()), bytes("not a key")))
        .isEmpty();
    // A key that is not the certificate's: the probe signature does not verify.
    assertThat(signer(otherRsa)).isPresent();
    assertThat(
            SystemRsaSigning.serverBuilder(
                bytes(rsa.certificatePem()), bytes(otherRsa.privateKeyPem())))
        .isEmpty();
    System.setProperty(SystemRsaSigning.PROPERTY, "false");
    try {
      assertThat(signer(rsa)).isEmpty();
      assertThat(
              SystemRsaSigning.serverBuilder(
                  bytes(rsa.certificatePem()), bytes(rsa.privateKeyPem())))
          .isEmpty();
    } finally {
      System.clearProperty(SystemRsaSigning.PROPERTY);
    }
  }

  private static Optional<OpenSslPrivateKeyMethod> signer(TestCertificates.Pem pem) {
    try {
      return SystemRsaSigning.signer(bytes(pem.privateKeyPem()));
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Signature pss(String digest, int saltLength) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(
        new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), saltLength, 1));
    return s;
  }

  /** A full handshake in memory: a JDK client engine against the server context's engine. */
  private static String handshake(SslContext server, String protocol) throws Exception {
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine c =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .protocols(protocol)
            .build()
            .newEngine(ByteBufAllocator.DEFAULT);
    try {
      c.beginHandshake();
      s.beginHandshake();
      ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
      ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
      ByteBuffer app = ByteBuffer.allocate(64 * 1024);
      ByteBuffer empty = ByteBuffer.allocate(0);
      for (int i = 0; i < 100 && !(finished(c) && finished(s)); i++) {
        step(c, empty, toServer, toClient, app);
        step(s, empty, toClient, toServer, app);
      }
      assertThat(finished(c) && finished(s)).as("handshake finished").isTrue();
      return c.getSession().getProtocol();
    } finally {
      io.netty.util.ReferenceCountUtil.release(s);
    }
  }

  private static boolean finished(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  /** Runs delegated tasks, wraps into {@code out}, and unwraps what {@code in} holds. */
  private static void step(
      SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
    e.wrap(empty, out);
    in.flip();
    while (in.hasRemaining()) {
      int before = in.remaining();
      e.unwrap(in, app);
      app.clear();
      while ((task = e.getDelegatedTask()) != null) {
        task.run();
      }
      if (in.remaining() == before) {
        break;
      }
    }
    in.compact();
  }
}
