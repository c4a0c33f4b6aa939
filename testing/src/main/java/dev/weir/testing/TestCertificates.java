package dev.weir.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Generates self-signed certificates for tests, the demo and benchmarks. Each call makes a new key
 * pair, so two calls for the same hostnames give two different certificates. Wildcard names ({@code
 * *.example.com}) are allowed.
 */
public final class TestCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCertificates() {}

  /**
   * A self-signed ECDSA P-256 certificate for {@code hostnames}: the first is the subject CN, and
   * all are DNS SANs.
   */
  public static Pem selfSigned(String... hostnames) {
    return generate("EC", "SHA256withECDSA", hostnames);
  }

  /** As {@link #selfSigned(String...)}, with an RSA-2048 key. */
  public static Pem selfSignedRsa(String... hostnames) {
    return generate("RSA", "SHA256withRSA", hostnames);
  }

  /**
   * As {@link #selfSigned(String...)}, with {@code uris} as URI SANs too (a SPIFFE ID, say), for
   * tests of SAN verification.
   */
  public static Pem selfSignedWithUris(java.util.List<String> uris, String... hostnames) {
    return generate("EC", "SHA256withECDSA", uris, hostnames);
  }

  /**
   * A DER OCSP response (RFC 6960) saying {@code pem}'s certificate is good, valid for a day and
   * signed by the certificate's own key (the certificates here are self-signed, so each is its own
   * issuer). For tests of OCSP stapling.
   */
  public static byte[] ocspGood(Pem pem) {
    try {
      java.security.PrivateKey key =
          java.security.KeyFactory.getInstance(pem.certificate().getPublicKey().getAlgorithm())
              .generatePrivate(
                  new java.security.spec.PKCS8EncodedKeySpec(
                      new org.bouncycastle.util.io.pem.PemReader(
                              new java.io.StringReader(pem.privateKeyPem()))
                          .readPemObject()
                          .getContent()));
      org.bouncycastle.cert.X509CertificateHolder issuer =
          new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(pem.certificate());
      org.bouncycastle.operator.DigestCalculatorProvider digests =
          new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build();
      org.bouncycastle.cert.ocsp.CertificateID id =
          new org.bouncycastle.cert.ocsp.CertificateID(
              digests.get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
              issuer,
              pem.certificate().getSerialNumber());
      Date now = new Date();
      org.bouncycastle.cert.ocsp.BasicOCSPResp basic =
          new org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder(
                  pem.certificate().getPublicKey(),
                  digests.get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1))
              .addResponse(
                  id,
                  org.bouncycastle.cert.ocsp.CertificateStatus.GOOD,
                  now,
                  new Date(now.getTime() + 86_400_000L))
              .build(
                  new JcaContentSignerBuilder(
                          key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                      .build(key),
                  new org.bouncycastle.cert.X509CertificateHolder[] {issuer},
                  now);
      return new org.bouncycastle.cert.ocsp.OCSPRespBuilder()
          .build(org.bouncycastle.cert.ocsp.OCSPRespBuilder.SUCCESSFUL, basic)
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException("cannot make an OCSP response", e);
    }
  }

  private static Pem generate(String keyType, String signature, String... hostnames) {
    return generate(keyType, signature, java.util.List.of(), hostnames);
  }

  private static Pem generate(
      String keyType, String signature, java.util.List<String> uris, String... hostnames) {
    if (hostnames.length == 0) {
      throw new IllegalArgumentException("at least one hostname");
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType);
      if (keyType.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator.initialize(2048, RANDOM);
      }
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + hostnames[0]);
      Instant now = Instant.now();
      GeneralName[] names = new GeneralName[hostnames.length + uris.size()];
      for (int i = 0; i < hostnames.length; i++) {
        names[i] = new GeneralName(GeneralName.dNSName, hostnames[i]);
      }
      for (int i = 0; i < uris.size(); i++) {
        names[hostnames.length + i] =
            new GeneralName(GeneralName.uniformResourceIdentifier, uris.get(i));
      }
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, RANDOM),
              Date.from(now.minus(1, ChronoUnit.DAYS)),
              Date.from(now.plus(3650, ChronoUnit.DAYS)),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
      return new Pem(
          pem(new PemObject("CERTIFICATE", certificate.getEncoded())),
          pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())),
          certificate);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a test certificate", e);
    }
  }

  private static String pem(PemObject object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  /**
   * A PEM certificate and its private key.
   *
   * @param certificatePem the PEM certificate
   * @param privateKeyPem the PEM (PKCS#8) private key; never printed by {@link #toString()}
   * @param certificate the parsed certificate, for trust stores and assertions
   */
  public record Pem(String certificatePem, String privateKeyPem, X509Certificate certificate) {
    @Override
    public String toString() {
      return "Pem[" + certificate.getSubjectX500Principal() + ", key=[redacted]]";
    }
  }
}
