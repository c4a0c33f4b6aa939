package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.SniCertificate;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.dataplane.health.HealthStates;
import dev.weir.dataplane.lb.InFlightRequests;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.routing.HostMatcher;
import dev.weir.dataplane.routing.MisdirectedRequests;
import dev.weir.dataplane.routing.RouteTableMatcher;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.tls.ServerCertificate;
import dev.weir.dataplane.tls.ServerSslContexts;
import dev.weir.dataplane.tls.SessionTicketKeys;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Compiles a {@link ConfigSnapshot} into a {@link RuntimeConfig}, checking every reference and
 * value on the way; collects all problems and rejects the snapshot naming each failing resource.
 * Runs on the applying thread, never an event loop (building TLS contexts is slow). Stateless apart
 * from its settings; one call at a time per instance is enough.
 */
final class RuntimeConfigCompiler {

  private final SslProvider provider;
  private final SessionTicketKeys tickets;
  private final ClusterCompiler clusterCompiler;
  private final FilterPlugins plugins;

  RuntimeConfigCompiler(ProxySettings settings, SslProvider provider) {
    this(settings, provider, null, null, new InFlightRequests<>(), FilterPlugins.none());
  }

  /**
   * @param tickets the shared session ticket keys every server context gets, or null
   * @param health endpoint health carried across snapshots, or null to check nothing
   * @param inFlight the proxy's in-flight counts per endpoint, for least-request balancers
   * @param plugins the filter plugins routes may name
   */
  RuntimeConfigCompiler(
      ProxySettings settings,
      SslProvider provider,
      SessionTicketKeys tickets,
      HealthStates health,
      InFlightRequests<UpstreamEndpoint> inFlight,
      FilterPlugins plugins) {
    this.provider = provider;
    this.tickets = tickets;
    this.clusterCompiler =
        new ClusterCompiler(settings, new BalancerCompiler(inFlight), new HealthCompiler(health));
    this.plugins = plugins;
  }

  /**
   * @param previous the serving config, whose unchanged certificates are reused; may be null
   * @throws SnapshotRejectedException naming every resource that failed
   */
  RuntimeConfig compile(ConfigSnapshot snapshot, RuntimeConfig previous)
      throws SnapshotRejectedException {
    List<ResourceError> errors = new ArrayList<>();
    Map<String, ServerCertificate> certificates = compileSecrets(snapshot, previous, errors);
    ClusterCompiler.Compiled compiledClusters =
        clusterCompiler.compile(
            snapshot,
            new UpstreamTlsCompiler(provider, snapshot.getSecretsList(), previous),
            previous,
            errors);
    Map<String, UpstreamCluster> clusters = compiledClusters.clusters();
    Map<String, RouteTableMatcher> tables = new HashMap<>();
    List<String> routeLines = new ArrayList<>();
    RouteCompiler routes = new RouteCompiler(clusters, plugins, errors, routeLines);
    for (RouteTable table : snapshot.getRouteTablesList()) {
      if (tables.containsKey(table.getName())) {
        errors.add(error("route_table", table.getName(), "duplicate route table name"));
        continue;
      }
      tables.put(table.getName(), routes.compileTable(table));
    }
    Map<Integer, ListenerRuntime> listeners = new HashMap<>();
    List<String> listenerLines = new ArrayList<>();
    ClientAuthCertificates clientAuth =
        new ClientAuthCertificates(provider, tickets, snapshot.getSecretsList(), previous);
    for (Listener l : snapshot.getListenersList()) {
      ListenerRuntime compiled = compileListener(l, tables, certificates, clientAuth, errors);
      if (compiled == null) {
        continue;
      }
      if (listeners.putIfAbsent(compiled.port(), compiled) != null) {
        errors.add(error("listener", l.getName(), "port " + l.getPort() + " is used twice"));
        continue;
      }
      listenerLines.add(
          l.getName()
              + " :"
              + l.getPort()
              + " "
              + l.getProtocol()
              + (compiled.secure() ? " certs=" + l.getCertificatesCount() : "")
              + (l.getClientCaCertificates().isEmpty()
                  ? ""
                  : l.getClientCertificateOptional()
                      ? " client-certs=optional"
                      : " client-certs=required")
              + " routes="
              + l.getRouteTable());
    }
    if (!errors.isEmpty()) {
      String first =
          errors.get(0).getKind()
              + " "
              + errors.get(0).getName()
              + ": "
              + errors.get(0).getReason();
      throw new SnapshotRejectedException(
          "snapshot "
              + snapshot.getVersion()
              + " rejected: "
              + first
              + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""),
          errors);
    }
    List<String> clusterLines = new ArrayList<>();
    for (UpstreamCluster c : clusters.values()) {
      UpstreamTls t = c.endpoints().isEmpty() ? null : c.endpoints().get(0).tls();
      clusterLines.add(
          c.name() + " endpoints=" + c.endpoints().size() + (t == null ? "" : " " + t));
    }
    clusterLines.sort(null);
    ConfigSummary summary =
        new ConfigSummary(
            snapshot.getVersion(),
            snapshot.getGeneration(),
            listenerLines,
            routeLines,
            clusterLines,
            certificates.keySet().stream()
                .filter(n -> !n.contains(ClientAuthCertificates.MARK))
                .sorted()
                .toList());
    return new RuntimeConfig(
        snapshot.getVersion(),
        snapshot.getGeneration(),
        listeners,
        clusters,
        certificates,
        compiledClusters.endpoints(),
        summary,
        compiledClusters.digests());
  }

  private Map<String, ServerCertificate> compileSecrets(
      ConfigSnapshot snapshot, RuntimeConfig previous, List<ResourceError> errors) {
    Map<String, ServerCertificate> out = new LinkedHashMap<>();
    for (TlsSecret secret : snapshot.getSecretsList()) {
      byte[] chain = secret.getCertificateChain().toByteArray();
      byte[] key = secret.getPrivateKey().toByteArray();
      byte[] ocsp = secret.getOcspResponse().toByteArray();
      ServerCertificate old =
          previous == null ? null : previous.certificates().get(secret.getName());
      if (old != null
          && old.digest()
              .equals(ServerSslContexts.digest(chain, key, ocsp, new byte[0], new byte[] {0}))) {
        out.put(secret.getName(), old);
        continue;
      }
      try {
        out.put(
            secret.getName(),
            ServerSslContexts.build(
                secret.getName(),
                chain,
                key,
                provider,
                new ServerSslContexts.Options(ocsp, new byte[0], false, tickets)));
      } catch (SSLException e) {
        errors.add(error("secret", secret.getName(), e.getMessage()));
      }
    }
    return out;
  }

  private ListenerRuntime compileListener(
      Listener l,
      Map<String, RouteTableMatcher> tables,
      Map<String, ServerCertificate> certificates,
      ClientAuthCertificates clientAuth,
      List<ResourceError> errors) {
    int before = errors.size();
    if (l.getPort() < 1 || l.getPort() > 65535) {
      errors.add(error("listener", l.getName(), "port " + l.getPort() + " is not 1-65535"));
    }
    RouteTableMatcher table = tables.get(l.getRouteTable());
    if (table == null) {
      errors.add(error("listener", l.getName(), "unknown route table " + l.getRouteTable()));
    }
    HostMatcher<SslContext> sni = null;
    HostMatcher<String> sniNames = null;
    switch (l.getProtocol()) {
      case HTTP -> {}
      case HTTPS -> {
        sni = compileSni(l, certificates, clientAuth, errors);
        HostMatcher.Builder<String> names = HostMatcher.builder();
        for (SniCertificate cert : l.getCertificatesList()) {
          if (!cert.getHostname().equals("*")) {
            names.add(cert.getHostname(), cert.getHostname());
          }
        }
        sniNames = names.build();
      }
      default ->
          errors.add(error("listener", l.getName(), "unsupported protocol " + l.getProtocol()));
    }
    if (errors.size() > before) {
      return null;
    }
    return new ListenerRuntime(
        l.getName(),
        l.getPort(),
        sni != null,
        table,
        sni,
        sni == null
            ? MisdirectedRequests.NONE
            : MisdirectedRequests.of(
                l.getCertificatesList().stream().map(SniCertificate::getHostname).toList()),
        sniNames);
  }

  private HostMatcher<SslContext> compileSni(
      Listener l,
      Map<String, ServerCertificate> certificates,
      ClientAuthCertificates clientAuth,
      List<ResourceError> errors) {
    // A listener may have SNI entries, a default certificate (an Ingress TLS section without
    // hosts), or both; with neither it cannot handshake.
    if (l.getCertificatesCount() == 0 && l.getDefaultSecret().isEmpty()) {
      errors.add(error("listener", l.getName(), "HTTPS listener has no certificates"));
      return null;
    }
    HostMatcher.Builder<SslContext> sni = HostMatcher.builder();
    boolean ok = true;
    boolean validatesClients = !l.getClientCaCertificates().isEmpty();
    for (SniCertificate cert : l.getCertificatesList()) {
      ServerCertificate c =
          validatesClients
              ? clientAuth.variant(l, cert.getSecret(), certificates, errors)
              : certificates.get(cert.getSecret());
      if (c == null) {
        errors.add(error("listener", l.getName(), "unknown secret " + cert.getSecret()));
        ok = false;
      } else if (!cert.getHostname().equals("*")) {
        sni.add(cert.getHostname(), c.context());
      }
    }
    String defaultName =
        l.getDefaultSecret().isEmpty() ? l.getCertificates(0).getSecret() : l.getDefaultSecret();
    ServerCertificate fallback =
        validatesClients
            ? clientAuth.variant(l, defaultName, certificates, errors)
            : certificates.get(defaultName);
    if (fallback == null) {
      errors.add(error("listener", l.getName(), "unknown default secret " + defaultName));
      return null;
    }
    sni.add("*", fallback.context());
    return ok ? sni.build() : null;
  }

  static ResourceError error(String kind, String name, String reason) {
    return ResourceError.newBuilder().setKind(kind).setName(name).setReason(reason).build();
  }
}
