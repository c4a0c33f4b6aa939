package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Header;
import dev.weir.api.config.v1.HeaderMatch;
import dev.weir.api.config.v1.HeaderModifier;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.PathRewrite;
import dev.weir.api.config.v1.Redirect;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.StringMatch;
import dev.weir.api.config.v1.UrlRewrite;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.server.ProxySettings;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** Snapshot validation and {@code /config} lines for the Gateway API route fields. */
class RouteCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  private static ConfigSnapshot snapshot(Route route) {
    return ConfigSnapshot.newBuilder()
        .setVersion("v1")
        .addListeners(
            Listener.newBuilder()
                .setName("web")
                .setPort(8080)
                .setProtocol(Listener.Protocol.HTTP)
                .setRouteTable("rt"))
        .addRouteTables(
            RouteTable.newBuilder()
                .setName("rt")
                .addVirtualHosts(
                    VirtualHost.newBuilder()
                        .setName("vh")
                        .addDomains("**.example.com")
                        .addRoutes(route)))
        .addClusters(cluster("a"))
        .addClusters(cluster("b"))
        .build();
  }

  private static Cluster cluster(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(9))
        .build();
  }

  private static Route.Builder route(String name) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute default/" + name)
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue("/p"));
  }

  private static ForwardAction.Builder forward(String cluster, int weight) {
    return ForwardAction.newBuilder()
        .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(weight));
  }

  private void assertRejected(Route route, String reason) {
    assertThatThrownBy(() -> compiler.compile(snapshot(route), null))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e ->
                assertThat(e.resources())
                    .anySatisfy(
                        r -> {
                          assertThat(r.getKind()).isEqualTo("route");
                          assertThat(r.getName()).isEqualTo(route.getName());
                          assertThat(r.getReason()).contains(reason);
                        }));
  }

  @Test
  void unknownBackendClusterIsRejectedNamingTheRoute() {
    assertRejected(
        route("r1")
            .setForward(
                forward("a", 1)
                    .addBackends(WeightedBackend.newBuilder().setCluster("nope").setWeight(1)))
            .build(),
        "unknown cluster nope");
  }

  @Test
  void emptyBackendsAndAllZeroWeightsAreRejected() {
    assertRejected(route("r2").setForward(ForwardAction.newBuilder()).build(), "no backends");
    assertRejected(route("r3").setForward(forward("a", 0)).build(), "weight 0");
  }

  @Test
  void invalidRegexAndRedirectAndPrefixRewriteOnExactAreRejected() {
    assertRejected(
        route("r4")
            .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.REGEX).setValue("/("))
            .setForward(forward("a", 1))
            .build(),
        "invalid regex");
    assertRejected(
        route("r5").setRedirect(Redirect.newBuilder().setStatus(200)).build(), "invalid redirect");
    assertRejected(
        route("r6")
            .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.EXACT).setValue("/p"))
            .setForward(forward("a", 1))
            .setRewrite(UrlRewrite.newBuilder().setPath(PathRewrite.newBuilder().setPrefix("/x")))
            .build(),
        "prefix replacement");
  }

  @Test
  void configLinesShowMatchesWeightsRewritesAndRedirects() throws Exception {
    Route weighted =
        route("w")
            .setMethod("GET")
            .addHeaders(
                HeaderMatch.newBuilder()
                    .setName("x-canary")
                    .setValue(StringMatch.newBuilder().setValue("yes")))
            .setForward(
                forward("a", 3)
                    .addBackends(
                        WeightedBackend.newBuilder()
                            .setCluster("b")
                            .setWeight(1)
                            .setRequestHeaders(
                                HeaderModifier.newBuilder()
                                    .addSet(Header.newBuilder().setName("x-b").setValue("1")))))
            .setRewrite(
                UrlRewrite.newBuilder()
                    .setHostname("internal")
                    .setPath(PathRewrite.newBuilder().setPrefix("/v2")))
            .build();
    RuntimeConfig config = compiler.compile(snapshot(weighted), null);
    assertThat(config.summary().routes())
        .containsExactly(
            "**.example.com PREFIX /p method=GET header x-canary=yes -> a weight=3, b weight=1"
                + " [request set x-b=1] rewrite host=internal path prefix /v2");
    Route redirect =
        route("r")
            .setRedirect(
                Redirect.newBuilder()
                    .setScheme("https")
                    .setStatus(301)
                    .setPath(PathRewrite.newBuilder().setFull("/new")))
            .build();
    assertThat(compiler.compile(snapshot(redirect), null).summary().routes())
        .containsExactly("**.example.com PREFIX /p -> redirect 301 scheme=https path full /new");
  }
}
