package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.testing.TestCertificates;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerSslContextsTest {

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void buildsServerContextsFromPem(SslProvider provider) throws Exception {
    if (provider == SslProvider.OPENSSL) {
      assertThat(OpenSsl.isAvailable()).as("BoringSSL must load on this platform").isTrue();
    }
    for (TestCertificates.Pem pem :
        new TestCertificates.Pem[] {
          TestCertificates.selfSigned("a.example.com"), TestCertificates.selfSignedRsa("b.example")
        }) {
      ServerCertificate cert =
          ServerSslContexts.build(
              "default/a",
              pem.certificatePem().getBytes(StandardCharsets.US_ASCII),
              pem.privateKeyPem().getBytes(StandardCharsets.US_ASCII),
              provider);
      assertThat(cert.context().isServer()).isTrue();
      assertThat(cert.context().applicationProtocolNegotiator().protocols())
          .containsExactly("h2", "http/1.1");
      assertThat(cert.toString()).contains("[redacted]").doesNotContain("PRIVATE");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void garbageIsRejectedWithoutEchoingIt(SslProvider provider) {
    assertThatThrownBy(
            () ->
                ServerSslContexts.build(
                    "default/bad",
                    "not a cert".getBytes(StandardCharsets.US_ASCII),
                    "TOP-SECRET".getBytes(StandardCharsets.US_ASCII),
                    provider))
        .isInstanceOf(SSLException.class)
        .hasMessageNotContaining("TOP-SECRET");
  }
}
