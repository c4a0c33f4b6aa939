package dev.weir.controller.compile;

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
import dev.weir.controller.model.Action;
import dev.weir.controller.model.Model;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Compiles a sorted {@link Model} into the {@link ConfigSnapshot} proto and stamps its version: the
 * hex sha256 of the snapshot serialized with version, generation and nonce cleared. Proto3 binary
 * serialization of a message without maps is deterministic, so equal models give equal versions and
 * an identical rebuild pushes nothing. Stateless.
 */
public final class SnapshotCompiler {

  private SnapshotCompiler() {}

  /** The snapshot for {@code model}, with generation 0 and nonce "" left for the pusher. */
  public static ConfigSnapshot compile(Model model) {
    ConfigSnapshot.Builder b = ConfigSnapshot.newBuilder();
    for (dev.weir.controller.model.Listener l : model.listeners()) {
      Listener.Builder lb =
          Listener.newBuilder()
              .setName(l.name())
              .setPort(l.port())
              .setProtocol(l.tls() ? Listener.Protocol.HTTPS : Listener.Protocol.HTTP)
              .setRouteTable(l.routeTable())
              .setDefaultSecret(l.defaultSecret());
      l.certificates()
          .forEach(
              c ->
                  lb.addCertificates(
                      SniCertificate.newBuilder().setHostname(c.hostname()).setSecret(c.secret())));
      b.addListeners(lb);
    }
    for (dev.weir.controller.model.RouteTable t : model.routeTables()) {
      RouteTable.Builder tb = RouteTable.newBuilder().setName(t.name());
      for (dev.weir.controller.model.VirtualHost v : t.virtualHosts()) {
        VirtualHost.Builder vb =
            VirtualHost.newBuilder().setName(v.name()).addAllDomains(v.domains());
        v.routes().forEach(r -> vb.addRoutes(route(r)));
        tb.addVirtualHosts(vb);
      }
      b.addRouteTables(tb);
    }
    for (dev.weir.controller.model.Cluster c : model.clusters()) {
      Cluster.Builder cb =
          Cluster.newBuilder()
              .setName(c.name())
              .setConnectTimeoutMs(millis(c.connectTimeout()))
              .setResponseTimeoutMs(millis(c.responseTimeout()));
      c.endpoints()
          .forEach(
              e ->
                  cb.addEndpoints(Endpoint.newBuilder().setAddress(e.address()).setPort(e.port())));
      b.addClusters(cb);
    }
    for (dev.weir.controller.model.TlsBundle s : model.secrets()) {
      b.addSecrets(
          TlsSecret.newBuilder()
              .setName(s.name())
              .setCertificateChain(ByteString.copyFrom(s.certificateChainPem()))
              .setPrivateKey(ByteString.copyFrom(s.privateKeyPem())));
    }
    return b.setVersion(versionOf(b.build())).build();
  }

  /** Hex sha256 of {@code snapshot} serialized with version, generation and nonce cleared. */
  public static String versionOf(ConfigSnapshot snapshot) {
    byte[] bytes =
        snapshot.toBuilder().clearVersion().clearGeneration().clearNonce().build().toByteArray();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Route route(dev.weir.controller.model.Route r) {
    Route.Builder rb =
        Route.newBuilder()
            .setName(r.name())
            .setSource(r.source().toString())
            .setPath(
                PathMatch.newBuilder()
                    .setKind(
                        r.match().kind() == dev.weir.controller.model.PathMatch.Kind.EXACT
                            ? PathMatch.Kind.EXACT
                            : PathMatch.Kind.PREFIX)
                    .setValue(r.match().value()));
    switch (r.action()) {
      case Action.Forward f ->
          rb.setForward(
              ForwardAction.newBuilder()
                  .addBackends(WeightedBackend.newBuilder().setCluster(f.cluster()).setWeight(1)));
      case Action.DirectResponse d ->
          rb.setDirectResponse(DirectResponse.newBuilder().setStatus(d.status()).setBody(d.body()));
    }
    return rb.build();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
  }
}
