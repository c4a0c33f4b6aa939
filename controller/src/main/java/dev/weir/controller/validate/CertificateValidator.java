package dev.weir.controller.validate;

import dev.weir.controller.model.TlsBundle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Checks a PEM certificate chain and private key with the plain JDK before they go into a snapshot:
 * the chain must parse ({@link CertificateFactory}), the key must parse ({@link KeyFactory}) and it
 * must belong to the leaf certificate (a signature made with the key must verify with the leaf's
 * public key). Accepted key formats: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE
 * KEY}) and SEC1 EC ({@code EC PRIVATE KEY}, with its named curve); encrypted keys are refused. The
 * bundle it returns is re-encoded: certificates as PEM, leaf first, and the key always as PKCS#8,
 * which every TLS provider of the data plane accepts.
 *
 * <p>Expiry is deliberately not checked: that would make the pipeline depend on the clock, and an
 * expired certificate is a status for humans, not a reason to serve none. Messages never contain
 * key material. Stateless: safe to use from any thread.
 */
public final class CertificateValidator {

  /** The outcome of a check. */
  public sealed interface Result {}

  /**
   * The pair is usable.
   *
   * @param bundle the normalized bundle
   */
  public record Valid(TlsBundle bundle) implements Result {}

  /**
   * The pair is not usable.
   *
   * @param reason why, without key material
   */
  public record Invalid(String reason) implements Result {}

  private static final byte[] PROBE = "weir certificate key match".getBytes(StandardCharsets.UTF_8);

  private CertificateValidator() {}

  /**
   * Validates one certificate chain and key.
   *
   * @param name the bundle's name, {@code "namespace/secret"}
   * @param chainPem the PEM chain, leaf first ({@code tls.crt})
   * @param keyPem the PEM private key ({@code tls.key})
   */
  public static Result validate(String name, byte[] chainPem, byte[] keyPem) {
    Objects.requireNonNull(name, "name");
    List<X509Certificate> chain;
    try {
      chain = parseChain(chainPem);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return new Invalid("tls.crt does not hold a parseable PEM certificate");
    }
    if (chain.isEmpty()) {
      return new Invalid("tls.crt holds no PEM certificate");
    }
    X509Certificate leaf = chain.get(0);
    PrivateKey key;
    try {
      key = parseKey(keyPem, leaf.getPublicKey().getAlgorithm());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // The exception message may quote the input; say only what kind of failure it was.
      return new Invalid("tls.key does not hold a parseable unencrypted PEM private key");
    }
    if (!matches(key, leaf.getPublicKey())) {
      return new Invalid(
          "tls.key does not match the public key of the first certificate in tls.crt");
    }
    try {
      StringBuilder pem = new StringBuilder();
      for (X509Certificate c : chain) {
        pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
      }
      return new Valid(
          new TlsBundle(
              name,
              pem.toString().getBytes(StandardCharsets.US_ASCII),
              Pem.encode("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      return new Invalid("tls.crt could not be re-encoded");
    }
  }

  private static List<X509Certificate> parseChain(byte[] pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    for (Pem.Block block : Pem.blocks(pem)) {
      if (block.type().equals("CERTIFICATE")) {
        chain.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      }
    }
    return chain;
  }

  private static PrivateKey parseKey(byte[] pem, String algorithm) throws GeneralSecurityException {
    for (Pem.Block block : Pem.blocks(pem)) {
      byte[] pkcs8 =
          switch (block.type()) {
            case "PRIVATE KEY" -> block.der();
            case "RSA PRIVATE KEY" -> Der.pkcs1ToPkcs8(block.der());
            case "EC PRIVATE KEY" -> Der.sec1ToPkcs8(block.der());
            default -> null;
          };
      if (pkcs8 != null) {
        // The key's algorithm must be the leaf's: an RSA key can never match an EC certificate.
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      }
    }
    throw new GeneralSecurityException("no private key block");
  }

  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (publicKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> publicKey.getAlgorithm();
          case "RSASSA-PSS" -> null;
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Decodes {@code value} as standard or MIME base64, as Kubernetes {@code data} fields are. */
  static byte[] base64(String value) {
    return Base64.getMimeDecoder().decode(value);
  }
}
