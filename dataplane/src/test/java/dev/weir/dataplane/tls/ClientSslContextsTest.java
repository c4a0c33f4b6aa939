package dev.weir.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.testing.TestCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientSslContextsTest {

  private final TestCertificates.Pem ca = TestCertificates.selfSigned("backend.internal");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void buildsClientContextsOfferingOneAlpnProtocol(SslProvider provider) throws Exception {
    ClientSslContexts.Spec h2 =
        new ClientSslContexts.Spec(
            bytes(ca.certificatePem()), false, List.of("backend.internal"), null, null, true);
    SslContext context = ClientSslContexts.build(h2, provider);
    assertThat(context.isClient()).isTrue();
    assertThat(context.applicationProtocolNegotiator().protocols()).containsExactly("h2");

    ClientSslContexts.Spec mtls =
        new ClientSslContexts.Spec(
            new byte[0],
            true,
            List.of("backend.internal"),
            bytes(ca.certificatePem()),
            bytes(ca.privateKeyPem()),
            false);
    assertThat(ClientSslContexts.build(mtls, provider).applicationProtocolNegotiator().protocols())
        .containsExactly("http/1.1");
    assertThat(mtls.toString()).contains("[redacted]").doesNotContain("PRIVATE");
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"OPENSSL", "JDK"})
  void noTrustAnchorsOrNoNamesAreRefused(SslProvider provider) {
    assertThatThrownBy(
            () ->
                ClientSslContexts.build(
                    new ClientSslContexts.Spec(new byte[0], false, List.of("x"), null, null, false),
                    provider))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("no CA certificates");
    assertThatThrownBy(
            () ->
                ClientSslContexts.build(
                    new ClientSslContexts.Spec(
                        bytes(ca.certificatePem()), false, List.of(), null, null, false),
                    provider))
        .hasMessageContaining("SNI hostname or subject alt names");
    assertThatThrownBy(
            () ->
                ClientSslContexts.build(
                    new ClientSslContexts.Spec(
                        bytes(ca.certificatePem()),
                        false,
                        List.of("x"),
                        bytes(ca.certificatePem()),
                        bytes("TOP-SECRET"),
                        false),
                    provider))
        .isInstanceOf(SSLException.class)
        .hasMessageNotContaining("TOP-SECRET");
  }
}
