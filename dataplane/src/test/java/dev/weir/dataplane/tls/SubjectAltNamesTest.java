package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testing.TestCertificates;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectAltNamesTest {

  private final X509Certificate cert =
      TestCertificates.selfSignedWithUris(
              List.of("spiffe://cluster.local/ns/a/sa/b"), "api.example.com", "*.svc.example.com")
          .certificate();

  @Test
  void exactDnsNamesMatchIgnoringCase() {
    assertThat(SubjectAltNames.matchesAny(cert, List.of("API.example.com"))).isTrue();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("other.example.com"))).isFalse();
  }

  @Test
  void wildcardCoversExactlyOneLeftmostLabel() {
    assertThat(SubjectAltNames.matchesAny(cert, List.of("x.svc.example.com"))).isTrue();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("svc.example.com"))).isFalse();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("a.b.svc.example.com"))).isFalse();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("*.svc.example.com"))).isTrue();
  }

  @Test
  void uriNamesAreComparedExactlyAndNeverAsDns() {
    assertThat(SubjectAltNames.matchesAny(cert, List.of("spiffe://cluster.local/ns/a/sa/b")))
        .isTrue();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("spiffe://cluster.local/ns/a/sa/c")))
        .isFalse();
    assertThat(SubjectAltNames.matchesAny(cert, List.of("nope", "api.example.com"))).isTrue();
  }
}
