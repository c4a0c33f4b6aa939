package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.model.TlsBundle;
import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsResolverTest {

  private final TestCertificates.Pem pem = TestCertificates.selfSigned("a.example.com");

  private Secret secret(Map<String, String> extra) {
    Map<String, String> data = new java.util.HashMap<>(extra);
    data.put("tls.crt", Base64.getEncoder().encodeToString(pem.certificatePem().getBytes()));
    data.put("tls.key", Base64.getEncoder().encodeToString(pem.privateKeyPem().getBytes()));
    return new SecretBuilder()
        .withNewMetadata()
        .withName("a")
        .withNamespace("ns")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  @Test
  void ocspStapleKeyTravelsWithTheBundle() {
    byte[] ocsp = TestCertificates.ocspGood(pem);
    List<Problem> problems = new ArrayList<>();
    TlsBundle bundle =
        new TlsResolver(
                List.of(
                    secret(Map.of(TlsBundle.OCSP_KEY, Base64.getEncoder().encodeToString(ocsp)))))
            .resolve("ns", "a", new ObjectRef("Gateway", "ns", "gw"), "tls", problems)
            .orElseThrow();
    assertThat(bundle.ocspResponse()).isEqualTo(ocsp);
    assertThat(problems).isEmpty();
  }

  @Test
  void secretWithoutOcspHasNone() {
    TlsBundle bundle =
        new TlsResolver(List.of(secret(Map.of())))
            .resolve("ns", "a", new ObjectRef("Gateway", "ns", "gw"), "tls", new ArrayList<>())
            .orElseThrow();
    assertThat(bundle.ocspResponse()).isEmpty();
  }
}
