package dev.weir.bench;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.HashKey;
import dev.weir.api.config.v1.Header;
import dev.weir.api.config.v1.HeaderMatch;
import dev.weir.api.config.v1.HeaderModifier;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.LoadBalancing;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.StringMatch;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;

/**
 * Generated {@link ConfigSnapshot}s shaped like what the controller sends: routes come in groups of
 * {@link #ROUTES_PER_GROUP}, one group per application, each group forwarding to its own
 * three-endpoint cluster. A group has two exact paths, a regex path, a header-conditional prefix,
 * five plain prefixes and one prefix that modifies headers, in the precedence order the controller
 * emits (exact and longer paths first). Pure functions; any thread.
 */
public final class SyntheticSnapshots {

  /** Routes in one application's group. */
  public static final int ROUTES_PER_GROUP = 10;

  /** The header a request sets to reach a group's canary route. */
  public static final String CANARY_HEADER = "x-canary";

  /** The header the hashing balancers hash. */
  public static final String HASH_HEADER = "x-user";

  /** The listener port of every generated snapshot. */
  public static final int PORT = 8080;

  /** The route table's name. */
  public static final String TABLE = "http";

  private SyntheticSnapshots() {}

  /**
   * How the groups are laid out over virtual hosts.
   *
   * <ul>
   *   <li>{@code HOSTS}: one virtual host per group ({@code app<g>.example.com}, every tenth a
   *       wildcard {@code *.tenant<g>.example.net}): many Ingresses, each with its own host;
   *   <li>{@code ONE_HOST}: every group on {@code app.example.com} under {@code /g<g>}: one host
   *       with all the routes, the worst case for the per-host walk.
   * </ul>
   */
  public enum Layout {
    HOSTS,
    ONE_HOST;

    /** The Host a request for group {@code g} sends (a wildcard group gets a name under it). */
    public String host(int g) {
      if (this == ONE_HOST) {
        return "app.example.com";
      }
      return isWildcard(g) ? "www.tenant" + g + ".example.net" : "app" + g + ".example.com";
    }

    /** What group {@code g}'s paths start with. */
    public String pathPrefix(int g) {
      return this == ONE_HOST ? "/g" + g : "";
    }

    private String domain(int g) {
      return this == HOSTS && isWildcard(g) ? "*.tenant" + g + ".example.net" : host(g);
    }

    private static boolean isWildcard(int g) {
      return g % 10 == 9;
    }
  }

  /** The number of groups for {@code routes} routes (at least one). */
  public static int groups(int routes) {
    return Math.max(1, routes / ROUTES_PER_GROUP);
  }

  /** A snapshot with {@code routes} routes (rounded to whole groups) laid out as {@code layout}. */
  public static ConfigSnapshot routes(int routes, Layout layout) {
    int groups = groups(routes);
    ConfigSnapshot.Builder snapshot = base("routes-" + routes + "-" + layout);
    RouteTable.Builder table = RouteTable.newBuilder().setName(TABLE);
    VirtualHost.Builder shared = null;
    for (int g = 0; g < groups; g++) {
      VirtualHost.Builder vhost;
      if (layout == Layout.ONE_HOST) {
        if (shared == null) {
          shared = VirtualHost.newBuilder().setName("app").addDomains(layout.domain(g));
        }
        vhost = shared;
      } else {
        vhost = VirtualHost.newBuilder().setName("app" + g).addDomains(layout.domain(g));
      }
      addGroup(vhost, g, layout.pathPrefix(g));
      if (layout == Layout.HOSTS) {
        table.addVirtualHosts(vhost);
      }
      snapshot.addClusters(cluster(cluster(g), 3, g, LoadBalancing.Algorithm.ROUND_ROBIN));
    }
    if (shared != null) {
      table.addVirtualHosts(shared);
    }
    return snapshot.addRouteTables(table).build();
  }

  /**
   * A snapshot with one catch-all route and one cluster of {@code endpoints} endpoints per load
   * balancing algorithm, named after it ({@code "ROUND_ROBIN"}, ...); the hashing ones hash the
   * {@link #HASH_HEADER} header.
   */
  public static ConfigSnapshot balancers(int endpoints) {
    ConfigSnapshot.Builder snapshot = base("balancers-" + endpoints);
    VirtualHost.Builder vhost = VirtualHost.newBuilder().setName("any").addDomains("*");
    int i = 0;
    for (LoadBalancing.Algorithm a : LoadBalancing.Algorithm.values()) {
      if (a == LoadBalancing.Algorithm.UNRECOGNIZED) {
        continue;
      }
      snapshot.addClusters(cluster(a.name(), endpoints, i, a));
      vhost.addRoutes(
          route("to-" + a.name(), PathMatch.Kind.PREFIX, "/" + a.name().toLowerCase(), a.name()));
      i++;
    }
    return snapshot
        .addRouteTables(RouteTable.newBuilder().setName(TABLE).addVirtualHosts(vhost))
        .build();
  }

  /** The cluster name of group {@code g}. */
  public static String cluster(int g) {
    return "apps/svc-" + g + ":80";
  }

  private static ConfigSnapshot.Builder base(String version) {
    return ConfigSnapshot.newBuilder()
        .setVersion(version)
        .setGeneration(1)
        .setNonce("n1")
        .addListeners(
            Listener.newBuilder()
                .setName("http")
                .setPort(PORT)
                .setProtocol(Listener.Protocol.HTTP)
                .setRouteTable(TABLE));
  }

  /** Adds group {@code g}'s ten routes, in precedence order, to {@code vhost}. */
  private static void addGroup(VirtualHost.Builder vhost, int g, String p) {
    String c = cluster(g);
    String n = "g" + g + "-";
    vhost
        .addRoutes(route(n + "health", PathMatch.Kind.EXACT, p + "/healthz", c))
        .addRoutes(route(n + "login", PathMatch.Kind.EXACT, p + "/login", c))
        .addRoutes(route(n + "items", PathMatch.Kind.REGEX, p + "/api/v[0-9]+/items/[0-9]+", c))
        .addRoutes(
            route(n + "users-canary", PathMatch.Kind.PREFIX, p + "/api/v1/users", c).toBuilder()
                .addHeaders(
                    HeaderMatch.newBuilder()
                        .setName(CANARY_HEADER)
                        .setValue(StringMatch.newBuilder().setValue("true"))))
        .addRoutes(route(n + "users", PathMatch.Kind.PREFIX, p + "/api/v1/users", c))
        .addRoutes(route(n + "orders", PathMatch.Kind.PREFIX, p + "/api/v1/orders", c))
        .addRoutes(route(n + "api", PathMatch.Kind.PREFIX, p + "/api", c))
        .addRoutes(route(n + "static", PathMatch.Kind.PREFIX, p + "/static", c))
        .addRoutes(route(n + "assets", PathMatch.Kind.PREFIX, p + "/assets", c))
        .addRoutes(
            route(n + "web", PathMatch.Kind.PREFIX, p + "/web", c).toBuilder()
                .setRequestHeaders(
                    HeaderModifier.newBuilder()
                        .addSet(Header.newBuilder().setName("x-env").setValue("production"))
                        .addAdd(Header.newBuilder().setName("x-route").setValue(n + "web"))
                        .addRemove("x-debug"))
                .setResponseHeaders(
                    HeaderModifier.newBuilder()
                        .addSet(Header.newBuilder().setName("cache-control").setValue("no-store"))
                        .addRemove("server")));
  }

  private static Route route(String name, PathMatch.Kind kind, String path, String cluster) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute apps/" + name)
        .setPath(PathMatch.newBuilder().setKind(kind).setValue(path))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)))
        .build();
  }

  /** A cluster of {@code size} endpoints at 10.x.y.z:8080, distinct per {@code seed}. */
  private static Cluster cluster(
      String name, int size, int seed, LoadBalancing.Algorithm algorithm) {
    LoadBalancing.Builder lb = LoadBalancing.newBuilder().setAlgorithm(algorithm);
    if (algorithm == LoadBalancing.Algorithm.RING_HASH
        || algorithm == LoadBalancing.Algorithm.MAGLEV) {
      lb.setHashKey(HashKey.newBuilder().setHeader(HASH_HEADER));
    }
    Cluster.Builder c =
        Cluster.newBuilder().setName(name).setConnectTimeoutMs(1000).setLoadBalancing(lb);
    for (int i = 0; i < size; i++) {
      int host = seed * size + i;
      String address =
          "10." + ((host >> 16) & 0xff) + "." + ((host >> 8) & 0xff) + "." + (host & 0xff);
      c.addEndpoints(Endpoint.newBuilder().setAddress(address).setPort(8080).setWeight(1));
    }
    return c.build();
  }
}
