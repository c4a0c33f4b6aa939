package dev.weir.controller.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.model.TlsBundle;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uses the test-only certificates of the golden input {@code tls-certificates.in.yaml}. */
class CertificateValidatorTest {

  private static final Map<String, Secret> SECRETS = new HashMap<>();

  @BeforeAll
  static void readSecrets() throws IOException {
    String text =
        Files.readString(
            Path.of("src/test/resources/golden/ingress/tls-certificates.in.yaml"),
            StandardCharsets.UTF_8);
    KubernetesSerialization kube = new KubernetesSerialization();
    for (String doc : text.split("(?m)^---\\s*$")) {
      HasMetadata o = kube.unmarshal(doc);
      if (o instanceof Secret s) {
        SECRETS.put(s.getMetadata().getName(), s);
      }
    }
  }

  @Test
  void pkcs8EcKeyIsAccepted() {
    assertValid(crt("foo-cert"), key("foo-cert"));
  }

  @Test
  void sec1EcKeyIsAcceptedAndReEncodedAsPkcs8() {
    assertThat(new String(key("wildcard-cert"), StandardCharsets.US_ASCII))
        .contains("BEGIN EC PRIVATE KEY");
    TlsBundle bundle = assertValid(crt("wildcard-cert"), key("wildcard-cert"));
    assertThat(new String(bundle.privateKeyPem(), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void pkcs1RsaKeyIsAccepted() {
    assertThat(new String(key("default-cert"), StandardCharsets.US_ASCII))
        .contains("BEGIN RSA PRIVATE KEY");
    assertValid(crt("default-cert"), key("default-cert"));
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    assertThat(CertificateValidator.validate("ns/x", crt("foo-cert"), key("wildcard-cert")))
        .isEqualTo(
            new CertificateValidator.Invalid(
                "tls.key does not match the public key of the first certificate in tls.crt"));
    // An RSA key for an EC certificate fails as unparseable for that algorithm.
    assertThat(CertificateValidator.validate("ns/x", crt("foo-cert"), key("default-cert")))
        .isInstanceOf(CertificateValidator.Invalid.class);
  }

  @Test
  void garbageIsRefusedWithoutQuotingIt() {
    byte[] garbage =
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
            .getBytes(StandardCharsets.US_ASCII);
    var result = CertificateValidator.validate("ns/x", crt("foo-cert"), garbage);
    assertThat(result).isInstanceOf(CertificateValidator.Invalid.class);
    assertThat(((CertificateValidator.Invalid) result).reason())
        .doesNotContain("c2VjcmV0", "secret-key-material");
    assertThat(CertificateValidator.validate("ns/x", "no pem".getBytes(), key("foo-cert")))
        .isEqualTo(new CertificateValidator.Invalid("tls.crt holds no PEM certificate"));
  }

  @Test
  void encryptedLegacyKeyIsRefused() {
    byte[] encrypted =
        ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                + "AAAA\n-----END RSA PRIVATE KEY-----\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(CertificateValidator.validate("ns/x", crt("default-cert"), encrypted))
        .isInstanceOf(CertificateValidator.Invalid.class);
  }

  @Test
  void bundleToStringIsRedacted() {
    TlsBundle bundle = assertValid(crt("foo-cert"), key("foo-cert"));
    assertThat(bundle.toString()).contains("[redacted]").doesNotContain("BEGIN");
  }

  private static TlsBundle assertValid(byte[] crt, byte[] key) {
    var result = CertificateValidator.validate("ns/x", crt, key);
    assertThat(result).isInstanceOf(CertificateValidator.Valid.class);
    TlsBundle bundle = ((CertificateValidator.Valid) result).bundle();
    assertThat(new String(bundle.certificateChainPem(), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE-----\n");
    return bundle;
  }

  private static byte[] crt(String secret) {
    return field(secret, "tls.crt");
  }

  private static byte[] key(String secret) {
    return field(secret, "tls.key");
  }

  private static byte[] field(String secret, String name) {
    Secret s = SECRETS.get(secret);
    if (s.getStringData() != null && s.getStringData().containsKey(name)) {
      return s.getStringData().get(name).getBytes(StandardCharsets.UTF_8);
    }
    return Base64.getDecoder().decode(s.getData().get(name));
  }
}
