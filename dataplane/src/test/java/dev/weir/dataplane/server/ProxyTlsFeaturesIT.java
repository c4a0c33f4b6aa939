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

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Listener;
import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listener TLS details through the real proxy, checked with {@code openssl s_client}: TLS 1.2 and
 * 1.3 with forward-secret AEAD ciphers only, session resumption (TLS 1.3 and 1.2 tickets with
 * rotating keys that outlive a certificate swap, TLS 1.2 session ids), OCSP stapling, and
 * client-certificate validation per listener.
 */
class ProxyTlsFeaturesIT {

  private static final String HOST = "a.example.com";
  private final TestCertificates.Pem server = TestCertificates.selfSigned(HOST);
  private final TestCertificates.Pem client = TestCertificates.selfSigned("client.example.com");
  @TempDir Path dir;
  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("backend");
    proxy = new ProxyFixture();
    port = freePort();
    Files.writeString(dir.resolve("client.pem"), client.certificatePem());
    Files.writeString(dir.resolve("client.key"), client.privateKeyPem());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private ConfigSnapshot config(Listener listener, byte[] ocsp) {
    return config(listener, ocsp, server);
  }

  private ConfigSnapshot config(Listener listener, byte[] ocsp, TestCertificates.Pem certificate) {
    return snapshot()
        .addListeners(listener)
        .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "backend"))))
        .addClusters(cluster("backend", backend.port()))
        .addSecrets(
            secret("default/a", certificate).toBuilder().setOcspResponse(ByteString.copyFrom(ocsp)))
        .build();
  }

  private Listener listener() {
    return https("tls", port, "rt", sni(HOST, "default/a"));
  }

  private String get(String... extra) throws Exception {
    return OpenSslClient.request(port, HOST, extra);
  }

  @Test
  void tls12AndTls13NegotiateForwardSecretAeadCiphers() throws Exception {
    proxy.apply(config(listener(), new byte[0]));
    String v13 = get("-tls1_3");
    assertThat(v13).contains("HTTP/1.1 200", "TLSv1.3");
    String v12 = get("-tls1_2");
    assertThat(v12)
        .contains("HTTP/1.1 200")
        .containsPattern("Cipher is ECDHE-ECDSA-(AES\\d+-GCM|CHACHA20)");
    // A CBC suite without forward secrecy is not in the list.
    assertThat(get("-tls1_2", "-cipher", "AES128-SHA")).doesNotContain("HTTP/1.1 200");
  }

  @Test
  void sessionsResumeByTicketUntilTheKeyHasRotatedTwice() throws Exception {
    proxy.apply(config(listener(), new byte[0]));
    String session = dir.resolve("session.pem").toString();
    assertThat(get("-sess_out", session)).contains("HTTP/1.1 200", "New, TLSv1.3");
    assertThat(get("-sess_in", session)).contains("HTTP/1.1 200", "Reused, TLSv1.3");

    // One rotation: the old key still decrypts. Two: the ticket is refused, a full handshake runs.
    proxy.runtime.configApplier().ticketKeys().rotate();
    assertThat(get("-sess_in", session)).contains("Reused, TLSv1.3");
    proxy.runtime.configApplier().ticketKeys().rotate();
    assertThat(get("-sess_in", session)).contains("HTTP/1.1 200", "New, TLSv1.3");
  }

  @Test
  void tls12SessionsResumeByTicketOrSessionIdAndTicketsOutliveACertificateSwap() throws Exception {
    proxy.apply(config(listener(), new byte[0]));
    String ticket12 = dir.resolve("ticket12.pem").toString();
    String ticket13 = dir.resolve("ticket13.pem").toString();
    String id = dir.resolve("id.pem").toString();
    assertThat(get("-tls1_2", "-sess_out", ticket12)).contains("HTTP/1.1 200", "New, TLSv1.2");
    assertThat(get("-tls1_2", "-sess_in", ticket12)).contains("HTTP/1.1 200", "Reused, TLSv1.2");
    // A client that takes no ticket (RFC 5077) resumes by session id from the server's cache.
    assertThat(get("-tls1_2", "-no_ticket", "-sess_out", id)).contains("New, TLSv1.2");
    assertThat(get("-tls1_2", "-no_ticket", "-sess_in", id))
        .contains("HTTP/1.1 200", "Reused, TLSv1.2");
    assertThat(get("-tls1_3", "-sess_out", ticket13)).contains("New, TLSv1.3");

    // A renewed certificate makes a new context; the shared ticket keys still open old tickets.
    TestCertificates.Pem renewed = TestCertificates.selfSigned(HOST);
    proxy.apply(config(listener(), new byte[0], renewed));
    String fresh = get();
    assertThat(fresh).contains("HTTP/1.1 200", "New, TLSv1.3");
    assertThat(fresh.replace("\r", "")).contains(renewed.certificatePem().strip().split("\n")[1]);
    assertThat(get("-tls1_2", "-sess_in", ticket12)).contains("HTTP/1.1 200", "Reused, TLSv1.2");
    assertThat(get("-tls1_3", "-sess_in", ticket13)).contains("HTTP/1.1 200", "Reused, TLSv1.3");
  }

  @Test
  void ocspResponseIsStapledWhenTheSecretHasOne() throws Exception {
    proxy.apply(config(listener(), TestCertificates.ocspGood(server)));
    String out = get("-status");
    assertThat(out)
        .contains("OCSP Response Status: successful", "Cert Status: good", "HTTP/1.1 200");

    proxy.apply(config(listener(), new byte[0]));
    assertThat(get("-status")).contains("OCSP response: no response sent");
  }

  @Test
  void listenerWithClientCaRequiresAValidClientCertificate() throws Exception {
    Listener strict =
        listener().toBuilder()
            .setClientCaCertificates(
                ByteString.copyFrom(client.certificatePem(), StandardCharsets.US_ASCII))
            .build();
    proxy.apply(config(strict, new byte[0]));

    String with =
        get(
            "-cert",
            dir.resolve("client.pem").toString(),
            "-key",
            dir.resolve("client.key").toString());
    assertThat(with).contains("HTTP/1.1 200");

    String without = get();
    assertThat(without).doesNotContain("HTTP/1.1 200").contains("certificate required");

    // A certificate from another CA fails too.
    TestCertificates.Pem stranger = TestCertificates.selfSigned("client.example.com");
    Files.writeString(dir.resolve("stranger.pem"), stranger.certificatePem());
    Files.writeString(dir.resolve("stranger.key"), stranger.privateKeyPem());
    assertThat(
            get(
                "-cert",
                dir.resolve("stranger.pem").toString(),
                "-key",
                dir.resolve("stranger.key").toString()))
        .doesNotContain("HTTP/1.1 200");
  }

  @Test
  void optionalClientCertificateStillServesClientsWithoutOne() throws Exception {
    Listener optional =
        listener().toBuilder()
            .setClientCaCertificates(
                ByteString.copyFrom(client.certificatePem(), StandardCharsets.US_ASCII))
            .setClientCertificateOptional(true)
            .build();
    proxy.apply(config(optional, new byte[0]));
    assertThat(get()).contains("HTTP/1.1 200");
  }
}
