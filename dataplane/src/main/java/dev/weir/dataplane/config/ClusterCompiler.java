package dev.weir.dataplane.config;

import static dev.weir.dataplane.config.RuntimeConfigCompiler.error;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamTls;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a snapshot's clusters into {@link UpstreamCluster}s: endpoints (IP literals, never
 * resolved), TLS, timeouts, balancer, health and limits. A cluster whose proto is byte for byte the
 * one the serving config was built from (same SHA-256), with the same TLS context, is taken over
 * from the serving config as it is: at scale (1,000 clusters of 100 endpoints) a change to one
 * route then rebuilds nothing upstream, and the serving balancers, health state and in-flight
 * counters simply carry on. Used by {@link RuntimeConfigCompiler} on the applying thread; stateless
 * apart from its collaborators.
 */
final class ClusterCompiler {

  private final ProxySettings settings;
  private final BalancerCompiler balancers;
  private final HealthCompiler health;

  ClusterCompiler(ProxySettings settings, BalancerCompiler balancers, HealthCompiler health) {
    this.settings = settings;
    this.balancers = balancers;
    this.health = health;
  }

  /**
   * What the clusters compile to.
   *
   * @param clusters by name
   * @param digests each cluster's proto digest by name, for the next compile's reuse
   * @param endpoints every endpoint of every cluster
   */
  record Compiled(
      Map<String, UpstreamCluster> clusters,
      Map<String, ByteString> digests,
      Set<UpstreamEndpoint> endpoints) {}

  /**
   * @param previous the serving config, whose unchanged clusters are reused; may be null
   */
  Compiled compile(
      ConfigSnapshot snapshot,
      UpstreamTlsCompiler tls,
      RuntimeConfig previous,
      List<ResourceError> errors) {
    Map<String, UpstreamCluster> out = new HashMap<>();
    Map<String, ByteString> digests = new HashMap<>();
    MessageDigest sha = sha256();
    int reused = 0;
    for (Cluster c : snapshot.getClustersList()) {
      ByteString digest = ByteString.copyFrom(sha.digest(c.toByteArray()));
      UpstreamTls upstreamTls = tls.compile(c, errors);
      UpstreamCluster cluster = reusable(c.getName(), digest, upstreamTls, previous);
      if (cluster != null) {
        reused++;
      } else {
        cluster = build(c, upstreamTls, errors);
      }
      if (out.putIfAbsent(c.getName(), cluster) != null) {
        errors.add(error("cluster", c.getName(), "duplicate cluster name"));
      }
      digests.put(c.getName(), digest);
    }
    boolean unchanged =
        previous != null && reused == out.size() && reused == previous.clusters().size();
    return new Compiled(out, digests, unchanged ? previous.endpoints() : endpoints(out));
  }

  /**
   * The serving config's cluster named {@code name} if it was built from the same proto and TLS.
   */
  private static UpstreamCluster reusable(
      String name, ByteString digest, UpstreamTls tls, RuntimeConfig previous) {
    if (previous == null || !digest.equals(previous.clusterDigests().get(name))) {
      return null;
    }
    UpstreamCluster old = previous.clusters().get(name);
    // The proto names its client secret; the secret's content may have changed, which gives a
    // new context (UpstreamTlsCompiler reuses the old instance only when every input is the same).
    if (old == null || (!old.endpoints().isEmpty() && old.endpoints().get(0).tls() != tls)) {
      return null;
    }
    return old;
  }

  private UpstreamCluster build(Cluster c, UpstreamTls upstreamTls, List<ResourceError> errors) {
    List<UpstreamEndpoint> valid = new ArrayList<>(c.getEndpointsCount());
    List<Long> weights = new ArrayList<>(c.getEndpointsCount());
    for (Endpoint e : c.getEndpointsList()) {
      UpstreamEndpoint endpoint = new UpstreamEndpoint(e.getAddress(), e.getPort());
      if (endpoint.toSocketAddress() == null) {
        errors.add(error("cluster", c.getName(), "endpoint " + endpoint + " is not an IP:port"));
      } else {
        valid.add(endpoint);
        // Endpoint.weight: 0 means 1.
        weights.add(Math.max(1, Integer.toUnsignedLong(e.getWeight())));
      }
    }
    // One immutable list, which the balancer and the cluster share instead of copying it.
    List<UpstreamEndpoint> endpoints = List.copyOf(UpstreamTlsCompiler.withTls(valid, upstreamTls));
    int connect =
        c.getConnectTimeoutMs() > 0
            ? c.getConnectTimeoutMs()
            : (int) settings.defaultConnectTimeout().toMillis();
    long response =
        c.getResponseTimeoutMs() > 0
            ? c.getResponseTimeoutMs()
            : settings.defaultResponseTimeout().toMillis();
    boolean h2 = c.getProtocol() == Cluster.Protocol.H2C || c.getProtocol() == Cluster.Protocol.H2;
    BalancerCompiler.Compiled balancing = balancers.compile(c, endpoints, weights, errors);
    return new UpstreamCluster(
        c.getName(),
        endpoints,
        balancing.balancer(),
        connect,
        response,
        h2,
        balancing.hashKey(),
        balancing.session(),
        health.compile(c, endpoints, h2, errors),
        ClusterLimitsCompiler.compile(c));
  }

  /**
   * Every endpoint once, as an immutable set (which {@link RuntimeConfig} keeps without a copy).
   */
  private static Set<UpstreamEndpoint> endpoints(Map<String, UpstreamCluster> clusters) {
    int size = 0;
    for (UpstreamCluster c : clusters.values()) {
      size += c.endpoints().size();
    }
    Set<UpstreamEndpoint> all = HashSet.newHashSet(size);
    for (UpstreamCluster c : clusters.values()) {
      all.addAll(c.endpoints());
    }
    return Set.of(all.toArray(UpstreamEndpoint[]::new));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
