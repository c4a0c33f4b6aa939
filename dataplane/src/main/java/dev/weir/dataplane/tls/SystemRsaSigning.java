package dev.weir.dataplane.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslPrivateKeyMethod;
import io.netty.handler.ssl.OpenSslX509KeyManagerFactory;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server contexts whose RSA handshake signatures the system's OpenSSL 3 makes instead of BoringSSL,
 * which is slower at RSA on CPUs with AVX-512 IFMA. The signer, {@code LibcryptoRsaSigner}, needs
 * Java 22 and is therefore compiled apart ({@code src/main/java22}) and looked up by name here.
 * None on Java 21, without {@code libcrypto.so.3}, for a key that is not RSA, and when {@code
 * -Dweir.tls.system-rsa=false}.
 */
public final class SystemRsaSigning {

  /** The system property that turns the system signer off: {@code false}. */
  public static final String PROPERTY = "weir.tls.system-rsa";

  private static final Logger log = LoggerFactory.getLogger(SystemRsaSigning.class);
  private static final MethodHandle forKey = find();
  private static final AtomicBoolean announced = new AtomicBoolean();

  private SystemRsaSigning() {}

  /**
   * A server context builder holding the certificate chain but not the key, whose handshake
   * signatures the system's OpenSSL makes; or empty, and BoringSSL keeps the key. The signer must
   * first make a signature that verifies with the leaf certificate's public key, so a key that does
   * not match, or a signer that signs wrongly, is never used.
   */
  public static Optional<SslContextBuilder> serverBuilder(byte[] chainPem, byte[] keyPem) {
    X509Certificate[] chain;
    try {
      chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(chainPem))
              .toArray(X509Certificate[]::new);
    } catch (CertificateException e) {
      return Optional.empty(); // the usual path rejects the chain, with its own message
    }
    // Checked before OpenSSL is touched, so that a data plane with no RSA certificate never loads
    // it (about 5 MiB of memory).
    if (chain.length == 0 || !chain[0].getPublicKey().getAlgorithm().equals("RSA")) {
      return Optional.empty();
    }
    try {
      Optional<OpenSslPrivateKeyMethod> signer = signer(keyPem);
      if (signer.isEmpty() || !signsFor(signer.get(), chain[0])) {
        return Optional.empty();
      }
      if (announced.compareAndSet(false, true)) {
        log.info(
            "RSA handshake signatures: {} (-D{}=false for BoringSSL's)", signer.get(), PROPERTY);
      }
      return Optional.of(
          SslContextBuilder.forServer(OpenSslX509KeyManagerFactory.newKeyless(chain))
              .option(OpenSslContextOption.PRIVATE_KEY_METHOD, signer.get()));
    } catch (Throwable e) {
      // Never the key's bytes: exception texts here describe structure only, and only the class
      // is kept.
      log.warn("the system's OpenSSL did not take an RSA key, BoringSSL signs: {}", e.getClass());
      return Optional.empty();
    }
  }

  /** The system signer for a PEM private key; empty unless it is an RSA key OpenSSL 3 reads. */
  @SuppressWarnings("unchecked")
  static Optional<OpenSslPrivateKeyMethod> signer(byte[] keyPem) throws Throwable {
    if (forKey == null || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return Optional.empty();
    }
    return (Optional<OpenSslPrivateKeyMethod>) forKey.invokeExact(keyPem);
  }

  private static boolean signsFor(OpenSslPrivateKeyMethod signer, X509Certificate leaf)
      throws Exception {
    byte[] probe = "weir: does this key match its certificate?".getBytes(StandardCharsets.US_ASCII);
    byte[] signature =
        signer.sign(null, OpenSslPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA256, probe);
    Signature verifier = Signature.getInstance("RSASSA-PSS");
    verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    verifier.initVerify(leaf.getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }

  private static MethodHandle find() {
    // OpenSsl.isAvailable() loads netty-tcnative, whose native code defines the signature
    // scheme constants the signer's class reads.
    if (Runtime.version().feature() < 22 || !OpenSsl.isAvailable()) {
      return null;
    }
    try {
      Class<?> c = Class.forName("dev.weir.dataplane.tls.LibcryptoRsaSigner");
      return MethodHandles.publicLookup()
          .findStatic(c, "forKey", MethodType.methodType(Optional.class, byte[].class));
    } catch (ReflectiveOperationException | LinkageError e) {
      // Built on JDK 21, which leaves the class out.
      return null;
    }
  }
}
