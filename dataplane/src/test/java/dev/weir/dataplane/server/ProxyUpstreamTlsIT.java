package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.secret;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.UpstreamTls;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upstream TLS through the real proxy to a TLS echo backend: SNI, CA and SAN checks, mTLS, h2. */
class ProxyUpstreamTlsIT {

  private final TestCertificates.Pem backendCert =
      TestCertificates.selfSignedWithUris(
          List.of("spiffe://cluster.local/ns/shop/sa/api"), "api.shop.internal", "*.svc.internal");
  private final TestCertificates.Pem otherCa = TestCertificates.selfSigned("api.shop.internal");
  private final TestCertificates.Pem clientCert = TestCertificates.selfSigned("weir-client");
  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() {
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    if (backend != null) {
      backend.close();
    }
  }

  static SslContext backendContext(TestCertificates.Pem cert, TestCertificates.Pem clientCa)
      throws Exception {
    SslContextBuilder b =
        SslContextBuilder.forServer(
                new ByteArrayInputStream(cert.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(cert.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
            .sslProvider(SslProvider.OPENSSL)
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
    if (clientCa != null) {
      b.clientAuth(ClientAuth.REQUIRE).trustManager(clientCa.certificate());
    }
    return b.build();
  }

  private static UpstreamTls.Builder tls(String sni, TestCertificates.Pem ca) {
    return UpstreamTls.newBuilder()
        .setSni(sni)
        .setCaCertificates(ByteString.copyFromUtf8(ca.certificatePem()));
  }

  private ConfigSnapshot config(UpstreamTls.Builder tls, Cluster.Protocol protocol) {
    return snapshot()
        .addListeners(http("web", port, "rt"))
        .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "backend"))))
        .addClusters(
            cluster("backend", backend.port()).toBuilder().setTls(tls).setProtocol(protocol))
        .addSecrets(secret("default/client", clientCert))
        .build();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return proxy.get(port, path);
  }

  @Test
  void http1OverTlsSendsSniVerifiesTheChainAndReusesTheConnection() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(config(tls("api.shop.internal", backendCert), Cluster.Protocol.HTTP1));

    HttpResponse<String> r = get("/one");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("tls-sni=api.shop.internal", "protocol=HTTP/1.1", "uri=/one")
        .containsPattern("tls-protocol=TLSv1\\.[23]");
    assertThat(get("/two").statusCode()).isEqualTo(200);
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void untrustedChainIsA502AndNothingReachesTheBackend() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(config(tls("api.shop.internal", otherCa), Cluster.Protocol.HTTP1));

    assertThat(get("/x").statusCode()).isEqualTo(502);
    assertThat(backend.requests()).isZero();
  }

  @Test
  void sniThatTheCertificateDoesNotNameIsA502() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(config(tls("evil.example.com", backendCert), Cluster.Protocol.HTTP1));

    assertThat(get("/x").statusCode()).isEqualTo(502);
    assertThat(backend.requests()).isZero();
  }

  @Test
  void wildcardCertificateCoversOneLabel() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(config(tls("cart.svc.internal", backendCert), Cluster.Protocol.HTTP1));
    assertThat(get("/x").statusCode()).isEqualTo(200);

    proxy.apply(config(tls("a.cart.svc.internal", backendCert), Cluster.Protocol.HTTP1));
    assertThat(get("/x").statusCode()).isEqualTo(502);
  }

  @Test
  void subjectAltNamesReplaceTheSniAsTheNameToVerify() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(
        config(
            tls("unrelated.example.com", backendCert)
                .addSubjectAltNames("spiffe://cluster.local/ns/shop/sa/api"),
            Cluster.Protocol.HTTP1));
    HttpResponse<String> ok = get("/uri-san");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("tls-sni=unrelated.example.com");

    proxy.apply(
        config(
            tls("api.shop.internal", backendCert)
                .addSubjectAltNames("spiffe://cluster.local/ns/shop/sa/other"),
            Cluster.Protocol.HTTP1));
    assertThat(get("/wrong-uri").statusCode()).isEqualTo(502);
  }

  @Test
  void clientCertificateIsPresentedForMutualTls() throws Exception {
    backend = EchoServer.startTls("mtls", backendContext(backendCert, clientCert));
    proxy.apply(config(tls("api.shop.internal", backendCert), Cluster.Protocol.HTTP1));
    assertThat(get("/no-client-cert").statusCode()).isEqualTo(502);

    proxy.apply(
        config(
            tls("api.shop.internal", backendCert).setClientSecret("default/client"),
            Cluster.Protocol.HTTP1));
    HttpResponse<String> r = get("/with-client-cert");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("tls-client=CN=weir-client");
  }

  @Test
  void h2OverTlsNegotiatesByAlpnAndMultiplexesOneConnection() throws Exception {
    backend = EchoServer.startTls("h2", backendContext(backendCert, null));
    proxy.apply(config(tls("api.shop.internal", backendCert), Cluster.Protocol.H2));

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = get("/h2/" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("protocol=HTTP/2", "tls-sni=api.shop.internal");
    }
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void invalidUpstreamTlsSettingsAreRejected() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    assertThatThrownBy(
            () -> proxy.apply(config(UpstreamTls.newBuilder().setSni("a"), Cluster.Protocol.HTTP1)))
        .isInstanceOf(SnapshotRejectedException.class)
        .hasMessageContaining("no CA certificates");
    assertThatThrownBy(
            () ->
                proxy.apply(
                    config(
                        tls("a", backendCert).setClientSecret("default/missing"),
                        Cluster.Protocol.HTTP1)))
        .hasMessageContaining("unknown client secret default/missing");
    assertThatThrownBy(
            () ->
                proxy.apply(
                    snapshot()
                        .addListeners(http("web", port, "rt"))
                        .addRouteTables(
                            table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
                        .addClusters(
                            cluster("b", backend.port()).toBuilder()
                                .setProtocol(Cluster.Protocol.H2))
                        .build()))
        .hasMessageContaining("protocol H2 needs tls");
  }

  @Test
  void systemTrustStoreDoesNotTrustATestCertificate() throws Exception {
    backend = EchoServer.startTls("tls", backendContext(backendCert, null));
    proxy.apply(
        config(
            UpstreamTls.newBuilder().setSni("api.shop.internal").setUseSystemTrustStore(true),
            Cluster.Protocol.HTTP1));
    assertThat(get("/x").statusCode()).isEqualTo(502);
    assertThat(backend.requests()).isZero();
  }
}
