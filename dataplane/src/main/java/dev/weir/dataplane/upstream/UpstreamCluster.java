package dev.weir.dataplane.upstream;

import dev.weir.dataplane.health.ClusterHealth;
import dev.weir.dataplane.lb.HashKey;
import dev.weir.dataplane.lb.LoadBalancer;
import dev.weir.dataplane.lb.SessionAffinity;
import java.util.List;
import java.util.Objects;

/**
 * A cluster as the proxy uses it: endpoints, their load balancer and timeouts. Built per snapshot
 * and immutable (the balancer's counter aside), so any thread may use it.
 *
 * @param name {@code "namespace/service:port"}
 * @param endpoints in snapshot order
 * @param balancer picks among {@code endpoints}
 * @param connectTimeoutMillis limit for establishing a connection
 * @param responseTimeoutMillis limit from the request's last byte sent to the response's first
 * @param h2c whether the endpoints speak HTTP/2 instead of HTTP/1.1, on one multiplexed connection
 *     per endpoint and loop: over cleartext with prior knowledge (RFC 9113 §3.3), or over TLS with
 *     ALPN {@code h2} (§3.2) when the endpoints carry an {@link UpstreamTls}
 * @param hashKey what a hashing balancer hashes, read from each request once; {@link HashKey#NONE}
 *     for the others
 * @param session the session persistence, or null for none
 * @param health which endpoints are available (active checks, outlier detection), and where the
 *     exchanges report their outcomes
 * @param limits the cluster's BackendPolicy limits (circuit breaking, pool, read timeout, retry
 *     budget)
 */
public record UpstreamCluster(
    String name,
    List<UpstreamEndpoint> endpoints,
    LoadBalancer<UpstreamEndpoint> balancer,
    int connectTimeoutMillis,
    long responseTimeoutMillis,
    boolean h2c,
    HashKey hashKey,
    SessionAffinity<UpstreamEndpoint> session,
    ClusterHealth health,
    ClusterLimits limits) {

  public UpstreamCluster {
    Objects.requireNonNull(name, "name");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(balancer, "balancer");
    Objects.requireNonNull(hashKey, "hashKey");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(limits, "limits");
  }

  /**
   * A cluster that hashes nothing, has no session persistence, whose endpoints nothing checks, and
   * without BackendPolicy limits.
   */
  public UpstreamCluster(
      String name,
      List<UpstreamEndpoint> endpoints,
      LoadBalancer<UpstreamEndpoint> balancer,
      int connectTimeoutMillis,
      long responseTimeoutMillis,
      boolean h2c) {
    this(
        name,
        endpoints,
        balancer,
        connectTimeoutMillis,
        responseTimeoutMillis,
        h2c,
        HashKey.NONE,
        null,
        ClusterHealth.none(),
        ClusterLimits.NONE);
  }
}
