package dev.weir.dataplane.config;

import com.google.protobuf.ByteString;
import dev.weir.dataplane.tls.ServerCertificate;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the proxy serves from, built from one snapshot: listeners by port with their compiled
 * route tables and certificates, and clusters with their balancers. Immutable and published whole
 * through one reference swap ({@link ConfigApplier}); every request pins the instance it started
 * with. Any thread may read it.
 *
 * @param version the snapshot's version
 * @param generation the snapshot's generation
 * @param listeners by port
 * @param clusters by name
 * @param certificates TLS secrets by name (reused by the next build when unchanged)
 * @param endpoints every endpoint of every cluster, for pruning upstream pools
 * @param summary what {@code /config} shows
 * @param clusterDigests the SHA-256 of each cluster's proto by name: the next build reuses a
 *     cluster whose proto has not changed ({@link ClusterCompiler})
 */
public record RuntimeConfig(
    String version,
    long generation,
    Map<Integer, ListenerRuntime> listeners,
    Map<String, UpstreamCluster> clusters,
    Map<String, ServerCertificate> certificates,
    Set<UpstreamEndpoint> endpoints,
    ConfigSummary summary,
    Map<String, ByteString> clusterDigests) {

  public RuntimeConfig {
    Objects.requireNonNull(version, "version");
    listeners = Map.copyOf(listeners);
    clusters = Map.copyOf(clusters);
    certificates = Map.copyOf(certificates);
    // Set.copyOf returns an immutable set as it is: the compiler builds one (100,000 endpoints at
    // scale), and an unchanged generation passes the serving one on.
    endpoints = Set.copyOf(endpoints);
    Objects.requireNonNull(summary, "summary");
    clusterDigests = Map.copyOf(clusterDigests);
  }

  /** The listener on {@code port}, or null. */
  public ListenerRuntime listener(int port) {
    return listeners.get(port);
  }

  /** A short form for logs: version prefix and generation. */
  public String label() {
    return version.substring(0, Math.min(12, version.length())) + "/" + generation;
  }

  @Override
  public String toString() {
    return "RuntimeConfig[" + label() + "]";
  }
}
