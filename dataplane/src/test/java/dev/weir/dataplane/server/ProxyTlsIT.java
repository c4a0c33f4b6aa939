package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.https;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.secret;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.sni;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import dev.weir.testing.TestCertificates;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyTlsIT {

  private final TestCertificates.Pem a = TestCertificates.selfSigned("a.example.com");
  private final TestCertificates.Pem wild = TestCertificates.selfSignedRsa("*.wild.example.com");
  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("backend");
    proxy = new ProxyFixture();
    port = freePort();
    proxy.apply(config(a));
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private ConfigSnapshot config(TestCertificates.Pem forA) {
    return snapshot()
        .addListeners(
            https(
                "tls",
                port,
                "rt",
                sni("a.example.com", "default/a"),
                sni("*.wild.example.com", "default/wild")))
        .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "backend"))))
        .addClusters(cluster("backend", backend.port()))
        .addSecrets(secret("default/a", forA))
        .addSecrets(secret("default/wild", wild))
        .build();
  }

  private SSLSocket connect(String sniHost) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {new TrustAll()}, null);
    SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
    if (sniHost != null) {
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(sniHost)));
      socket.setSSLParameters(params);
    }
    socket.startHandshake();
    return socket;
  }

  private static X509Certificate served(SSLSocket socket) throws Exception {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  @Test
  void certificateIsChosenBySni() throws Exception {
    try (SSLSocket s = connect("a.example.com")) {
      assertThat(served(s)).isEqualTo(a.certificate());
      assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }
    try (SSLSocket s = connect("x.wild.example.com")) {
      assertThat(served(s)).isEqualTo(wild.certificate());
    }
    // No SNI, or an unknown name: the default (first) certificate.
    try (SSLSocket s = connect(null)) {
      assertThat(served(s)).isEqualTo(a.certificate());
    }
    try (SSLSocket s = connect("other.org")) {
      assertThat(served(s)).isEqualTo(a.certificate());
    }
  }

  @Test
  void handshakesAreCountedByTheMatchedCertificateHostname() throws Exception {
    connect("a.example.com").close();
    connect("x.wild.example.com").close();
    connect(null).close();
    connect("other.org").close();
    // A client that does not trust the certificate aborts the handshake.
    SSLSocket untrusting =
        (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters params = untrusting.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName("a.example.com")));
    untrusting.setSSLParameters(params);
    assertThatThrownBy(untrusting::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
    untrusting.close();

    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> handshakes("a.example.com", "failed") == 1);
    assertThat(handshakes("a.example.com", "ok")).isEqualTo(1);
    assertThat(handshakes("*.wild.example.com", "ok")).isEqualTo(1);
    assertThat(handshakes("none", "ok")).isEqualTo(1);
    assertThat(handshakes("unknown", "ok")).isEqualTo(1);
    // The label never carries the name a client sent.
    assertThat(scrape().find("weir_tls_handshakes_total", java.util.Map.of("sni", "other.org")))
        .isEmpty();
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(proxy.runtime.telemetry().scrape());
  }

  private double handshakes(String sni, String result) {
    return scrape()
        .sum("weir_tls_handshakes_total", java.util.Map.of("sni", sni, "result", result));
  }

  @Test
  void aListenerWithOnlyADefaultCertificateServesItForEveryName() throws Exception {
    // An Ingress TLS section without hosts: no SNI entry, just the default certificate.
    proxy.apply(
        snapshot()
            .addListeners(
                dev.weir.api.config.v1.Listener.newBuilder(https("tls", port, "rt"))
                    .setDefaultSecret("default/wild"))
            .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "backend"))))
            .addClusters(cluster("backend", backend.port()))
            .addSecrets(secret("default/wild", wild))
            .build());
    try (SSLSocket s = connect("anything.example.org")) {
      assertThat(served(s)).isEqualTo(wild.certificate());
    }
    try (SSLSocket s = connect(null)) {
      assertThat(served(s)).isEqualTo(wild.certificate());
    }
  }

  @Test
  void requestsOverTlsAreForwardedAsHttps() throws Exception {
    try (SSLSocket s = connect("a.example.com");
        RawHttp c = new RawHttp(s)) {
      c.send("GET /secure HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("header x-forwarded-proto: https");
    }
  }

  @Test
  void rotatedCertificateServesNewHandshakesWhileLiveConnectionsCarryOn() throws Exception {
    try (SSLSocket live = connect("a.example.com");
        RawHttp c = new RawHttp(live)) {
      c.send("GET /1 HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);

      TestCertificates.Pem rotated = TestCertificates.selfSigned("a.example.com");
      proxy.apply(config(rotated));

      try (SSLSocket fresh = connect("a.example.com")) {
        assertThat(served(fresh)).isEqualTo(rotated.certificate());
      }
      c.send("GET /2 HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(served(live)).isEqualTo(a.certificate());
    }
  }

  @Test
  void protocolChangeOnTheSamePortAppliesToNewConnectionsOnly() throws Exception {
    try (SSLSocket live = connect("a.example.com");
        RawHttp tls = new RawHttp(live)) {
      proxy.apply(
          config(a).toBuilder()
              .clearListeners()
              .addListeners(Snapshots.http("plain", port, "rt"))
              .clearSecrets()
              .build());
      assertThat(proxy.runtime.configApplier().boundPorts()).containsExactly(port);
      tls.send("GET /still-tls HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
      assertThat(tls.read().body()).contains("header x-forwarded-proto: https");
    }
    try (RawHttp plain = RawHttp.connect(port)) {
      plain.send("GET /now-plain HTTP/1.1\r\nHost: a.example.com\r\n\r\n");
      assertThat(plain.read().body()).contains("header x-forwarded-proto: http\n");
    }
  }

  /** Tests check the served certificate themselves. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
