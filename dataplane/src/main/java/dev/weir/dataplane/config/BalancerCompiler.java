package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.LoadBalancing;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.SessionPersistence;
import dev.weir.dataplane.lb.ConsistentHashBalancer;
import dev.weir.dataplane.lb.HashKey;
import dev.weir.dataplane.lb.InFlightRequests;
import dev.weir.dataplane.lb.LeastRequestBalancer;
import dev.weir.dataplane.lb.LoadBalancer;
import dev.weir.dataplane.lb.RandomBalancer;
import dev.weir.dataplane.lb.RoundRobinBalancer;
import dev.weir.dataplane.lb.SessionAffinity;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.List;

/**
 * Compiles a cluster's {@code load_balancing} and {@code session_persistence} (and its endpoints'
 * weights) into its balancer, hash key and {@link SessionAffinity}. A hashing algorithm without a
 * hash key, a Maglev table size that is not a usable prime, or a nameless session cookie or header
 * is an error naming the cluster, which rejects the snapshot. Stateless apart from the shared
 * {@link InFlightRequests}; called on the applying thread.
 */
final class BalancerCompiler {

  private final InFlightRequests<UpstreamEndpoint> inFlight;

  /**
   * @param inFlight the proxy's in-flight counts, which least-request balancers read
   */
  BalancerCompiler(InFlightRequests<UpstreamEndpoint> inFlight) {
    this.inFlight = inFlight;
  }

  /**
   * What the balancing settings compile to.
   *
   * @param balancer picks among the endpoints
   * @param hashKey what the balancer hashes, or {@link HashKey#NONE}
   * @param session the session persistence, or null
   */
  record Compiled(
      LoadBalancer<UpstreamEndpoint> balancer,
      HashKey hashKey,
      SessionAffinity<UpstreamEndpoint> session) {}

  /**
   * @param endpoints the cluster's valid endpoints
   * @param weights their weights (0 already made 1), in the same order
   * @param errors where problems go; on a problem a round-robin balancer is returned
   */
  Compiled compile(
      Cluster c, List<UpstreamEndpoint> endpoints, List<Long> weights, List<ResourceError> errors) {
    int before = errors.size();
    LoadBalancing lb = c.getLoadBalancing();
    HashKey key = hashKey(c, errors);
    LoadBalancer<UpstreamEndpoint> balancer =
        switch (lb.getAlgorithm()) {
          case ROUND_ROBIN -> new RoundRobinBalancer<>(endpoints, weights);
          case RANDOM -> new RandomBalancer<>(endpoints, weights);
          case LEAST_REQUEST ->
              new LeastRequestBalancer<>(
                  endpoints, weights, endpoints.stream().map(inFlight::counter).toList());
          case RING_HASH ->
              ConsistentHashBalancer.ring(
                  endpoints,
                  weights,
                  BalancerCompiler::name,
                  lb.getTableSize() == 0
                      ? ConsistentHashBalancer.DEFAULT_RING_POINTS
                      : (int) Math.min(lb.getTableSize() & 0xffffffffL, Integer.MAX_VALUE));
          case MAGLEV -> maglev(c, endpoints, weights, errors);
          case UNRECOGNIZED -> {
            errors.add(error(c, "unknown load balancing algorithm " + lb.getAlgorithmValue()));
            yield null;
          }
        };
    SessionAffinity<UpstreamEndpoint> session = session(c, endpoints, errors);
    if (errors.size() > before || balancer == null) {
      return new Compiled(new RoundRobinBalancer<>(endpoints, weights), HashKey.NONE, null);
    }
    return new Compiled(balancer, key, session);
  }

  private static LoadBalancer<UpstreamEndpoint> maglev(
      Cluster c, List<UpstreamEndpoint> endpoints, List<Long> weights, List<ResourceError> errors) {
    long size =
        c.getLoadBalancing().getTableSize() == 0
            ? ConsistentHashBalancer.DEFAULT_MAGLEV_SIZE
            : c.getLoadBalancing().getTableSize() & 0xffffffffL;
    if (!ConsistentHashBalancer.isPrime(size)) {
      errors.add(error(c, "MAGLEV table_size " + size + " is not prime"));
      return null;
    }
    if (size > ConsistentHashBalancer.MAX_MAGLEV_SIZE || size < endpoints.size()) {
      errors.add(
          error(
              c,
              "MAGLEV table_size "
                  + size
                  + " must be from the endpoint count ("
                  + endpoints.size()
                  + ") to "
                  + ConsistentHashBalancer.MAX_MAGLEV_SIZE));
      return null;
    }
    return ConsistentHashBalancer.maglev(endpoints, weights, BalancerCompiler::name, (int) size);
  }

  /** The hash key; required for the hashing algorithms, ignored (NONE) for the others. */
  private static HashKey hashKey(Cluster c, List<ResourceError> errors) {
    LoadBalancing.Algorithm algorithm = c.getLoadBalancing().getAlgorithm();
    if (algorithm != LoadBalancing.Algorithm.RING_HASH
        && algorithm != LoadBalancing.Algorithm.MAGLEV) {
      return HashKey.NONE;
    }
    dev.weir.api.config.v1.HashKey k = c.getLoadBalancing().getHashKey();
    HashKey key =
        switch (k.getKeyCase()) {
          case HEADER -> isToken(k.getHeader()) ? new HashKey.Header(k.getHeader()) : null;
          case COOKIE -> isToken(k.getCookie()) ? new HashKey.Cookie(k.getCookie()) : null;
          case SOURCE_IP -> k.getSourceIp() ? new HashKey.SourceIp() : null;
          case KEY_NOT_SET -> null;
        };
    if (key == null) {
      errors.add(error(c, algorithm + " needs a hash_key: a header or cookie name, or source_ip"));
      return HashKey.NONE;
    }
    return key;
  }

  private static SessionAffinity<UpstreamEndpoint> session(
      Cluster c, List<UpstreamEndpoint> endpoints, List<ResourceError> errors) {
    if (!c.hasSessionPersistence()) {
      return null;
    }
    SessionPersistence p = c.getSessionPersistence();
    SessionAffinity.Carrier carrier =
        switch (p.getKindCase()) {
          case COOKIE_NAME -> SessionAffinity.Carrier.COOKIE;
          case HEADER_NAME -> SessionAffinity.Carrier.HEADER;
          case KIND_NOT_SET -> null;
        };
    String name = carrier == SessionAffinity.Carrier.COOKIE ? p.getCookieName() : p.getHeaderName();
    if (carrier == null || !isToken(name)) {
      errors.add(error(c, "session_persistence needs a valid cookie_name or header_name"));
      return null;
    }
    return SessionAffinity.of(
        carrier,
        name,
        p.getTtlSeconds() & 0xffffffffL,
        c.getName(),
        endpoints,
        BalancerCompiler::name);
  }

  /** An endpoint's stable name, the same on every data plane: what rings and tokens hash. */
  static String name(UpstreamEndpoint e) {
    return e.address() + ":" + e.port();
  }

  /** RFC 9110 §5.6.2 token: what a field name (and RFC 6265 a cookie name) must be. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean alnum =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(ch) < 0) {
        return false;
      }
    }
    return true;
  }

  private static ResourceError error(Cluster c, String reason) {
    return RuntimeConfigCompiler.error("cluster", c.getName(), reason);
  }
}
