package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/**
 * What a compile takes over from the serving config (unchanged clusters, the endpoint set) and what
 * it shares within one snapshot (a virtual host repeated across tables, one-cluster forwards).
 */
class ClusterCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  private static Cluster cluster(String name, String... addresses) {
    Cluster.Builder c = Cluster.newBuilder().setName(name);
    for (String a : addresses) {
      c.addEndpoints(Endpoint.newBuilder().setAddress(a).setPort(8080));
    }
    return c.build();
  }

  private static VirtualHost host(String path) {
    return VirtualHost.newBuilder()
        .setName("vh")
        .addDomains("app.example.com")
        // First match wins: the longer paths first, as the controller emits them.
        .addRoutes(route("r2", path + "/b", "b"))
        .addRoutes(route("r3", path + "/a", "a"))
        .addRoutes(route("r1", path, "a"))
        .build();
  }

  private static Route route(String name, String path, String cluster) {
    return Route.newBuilder()
        .setName(name)
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue(path))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)))
        .build();
  }

  private static ConfigSnapshot snapshot(String version, String path, Cluster... clusters) {
    ConfigSnapshot.Builder s = ConfigSnapshot.newBuilder().setVersion(version);
    for (String table : new String[] {"http", "https"}) {
      s.addListeners(
          Listener.newBuilder()
              .setName(table)
              .setPort(table.equals("http") ? 8080 : 8081)
              .setProtocol(Listener.Protocol.HTTP)
              .setRouteTable(table));
      s.addRouteTables(RouteTable.newBuilder().setName(table).addVirtualHosts(host(path)));
    }
    for (Cluster c : clusters) {
      s.addClusters(c);
    }
    return s.build();
  }

  private static RouteEntry match(RuntimeConfig config, int port, String path) {
    return config.listener(port).routes().match("app.example.com", path, null);
  }

  @Test
  void unchangedClustersAndTheirEndpointSetAreTakenOverAndAChangedOneIsRebuilt() throws Exception {
    Cluster a = cluster("a", "10.0.0.1", "10.0.0.2");
    Cluster b = cluster("b", "10.0.1.1");
    RuntimeConfig first = compiler.compile(snapshot("v1", "/x", a, b), null);

    RuntimeConfig routeChanged = compiler.compile(snapshot("v2", "/y", a, b), first);
    assertThat(routeChanged.clusters().get("a")).isSameAs(first.clusters().get("a"));
    assertThat(routeChanged.clusters().get("b")).isSameAs(first.clusters().get("b"));
    assertThat(routeChanged.endpoints()).isSameAs(first.endpoints());
    RouteAction.Forward forward = (RouteAction.Forward) match(routeChanged, 8080, "/y").action();
    assertThat(forward.backends().choices().get(0).cluster()).isSameAs(first.clusters().get("a"));

    Cluster b2 = cluster("b", "10.0.1.1", "10.0.1.2");
    RuntimeConfig endpointAdded = compiler.compile(snapshot("v3", "/y", a, b2), routeChanged);
    assertThat(endpointAdded.clusters().get("a")).isSameAs(first.clusters().get("a"));
    assertThat(endpointAdded.clusters().get("b")).isNotSameAs(first.clusters().get("b"));
    assertThat(endpointAdded.clusters().get("b").endpoints())
        .extracting(UpstreamEndpoint::address)
        .containsExactly("10.0.1.1", "10.0.1.2");
    assertThat(endpointAdded.endpoints())
        .hasSize(4)
        .contains(new UpstreamEndpoint("10.0.1.2", 8080));

    // Without a serving config, or from one built without digests, nothing is taken over.
    RuntimeConfig fresh = compiler.compile(snapshot("v4", "/y", a, b2), null);
    assertThat(fresh.clusters().get("a")).isNotSameAs(first.clusters().get("a"));
  }

  @Test
  void aClusterRemovedAndAnotherAddedGivesANewEndpointSet() throws Exception {
    RuntimeConfig first =
        compiler.compile(
            snapshot("v1", "/x", cluster("a", "10.0.0.1"), cluster("b", "10.0.1.1")), null);
    RuntimeConfig next =
        compiler.compile(
            snapshot(
                "v2",
                "/x",
                cluster("a", "10.0.0.1"),
                cluster("b", "10.0.1.1"),
                cluster("c", "10.0.2.1")),
            first);
    assertThat(next.endpoints()).isNotSameAs(first.endpoints()).hasSize(3);
  }

  @Test
  void aVirtualHostRepeatedInTwoTablesIsCompiledOnceAndOneClusterForwardsAreShared()
      throws Exception {
    RuntimeConfig config =
        compiler.compile(
            snapshot("v1", "/x", cluster("a", "10.0.0.1"), cluster("b", "10.0.1.1")), null);
    RouteEntry http = match(config, 8080, "/x/b");
    RouteEntry https = match(config, 8081, "/x/b");
    assertThat(http.name()).isEqualTo("r2");
    assertThat(https).isSameAs(http);
    // Both tables still list their routes on /config.
    assertThat(config.summary().routes()).hasSize(6);
    // r1 and r3 both forward everything to a: one action object.
    assertThat(match(config, 8080, "/x/a").action()).isSameAs(match(config, 8080, "/x").action());
    assertThat(match(config, 8080, "/x/a").action()).isNotSameAs(http.action());
  }
}
