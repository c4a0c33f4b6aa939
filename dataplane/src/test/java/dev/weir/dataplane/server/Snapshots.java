package dev.weir.dataplane.server;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.DirectResponse;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.SniCertificate;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Small builders for snapshots in proxy tests. */
final class Snapshots {

  private static final AtomicLong generation = new AtomicLong();

  private Snapshots() {}

  /** A port that was free a moment ago (snapshots need a real port number). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigSnapshot.Builder snapshot() {
    long g = generation.incrementAndGet();
    return ConfigSnapshot.newBuilder().setVersion("v" + g).setGeneration(g).setNonce("n" + g);
  }

  /**
   * A snapshot with one plain HTTP listener on {@code port} that forwards every request, whatever
   * its host and path, to the backend on 127.0.0.1:{@code backendPort}.
   */
  static ConfigSnapshot forwardAll(int port, int backendPort) {
    return snapshot()
        .addListeners(http("web", port, "rt"))
        .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
        .addClusters(cluster("b", backendPort))
        .build();
  }

  static Listener http(String name, int port, String table) {
    return Listener.newBuilder()
        .setName(name)
        .setPort(port)
        .setProtocol(Listener.Protocol.HTTP)
        .setRouteTable(table)
        .build();
  }

  static Listener https(String name, int port, String table, SniCertificate... certs) {
    return Listener.newBuilder()
        .setName(name)
        .setPort(port)
        .setProtocol(Listener.Protocol.HTTPS)
        .setRouteTable(table)
        .addAllCertificates(List.of(certs))
        .build();
  }

  static SniCertificate sni(String host, String secret) {
    return SniCertificate.newBuilder().setHostname(host).setSecret(secret).build();
  }

  static TlsSecret secret(String name, TestCertificates.Pem pem) {
    return TlsSecret.newBuilder()
        .setName(name)
        .setCertificateChain(ByteString.copyFrom(pem.certificatePem(), StandardCharsets.US_ASCII))
        .setPrivateKey(ByteString.copyFrom(pem.privateKeyPem(), StandardCharsets.US_ASCII))
        .build();
  }

  static RouteTable table(String name, VirtualHost... vhosts) {
    return RouteTable.newBuilder().setName(name).addAllVirtualHosts(List.of(vhosts)).build();
  }

  static VirtualHost vhost(String name, List<String> domains, Route... routes) {
    return VirtualHost.newBuilder()
        .setName(name)
        .addAllDomains(domains)
        .addAllRoutes(List.of(routes))
        .build();
  }

  static Route prefix(String name, String path, String cluster) {
    return route(name, PathMatch.Kind.PREFIX, path)
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)))
        .build();
  }

  static Route exact(String name, String path, String cluster) {
    return route(name, PathMatch.Kind.EXACT, path)
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)))
        .build();
  }

  static Route direct(String name, String path, int status, String body) {
    return route(name, PathMatch.Kind.PREFIX, path)
        .setDirectResponse(DirectResponse.newBuilder().setStatus(status).setBody(body))
        .build();
  }

  private static Route.Builder route(String name, PathMatch.Kind kind, String path) {
    return Route.newBuilder()
        .setName(name)
        .setSource("Ingress default/" + name)
        .setPath(PathMatch.newBuilder().setKind(kind).setValue(path));
  }

  static Cluster cluster(String name, int... ports) {
    Cluster.Builder b = Cluster.newBuilder().setName(name).setConnectTimeoutMs(1000);
    for (int port : ports) {
      b.addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port));
    }
    return b.build();
  }
}
