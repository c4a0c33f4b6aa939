package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Cors;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.Mirror;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.server.ProxySettings;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** Validation and {@code /config} lines for mirrors, CORS, retry and error backends. */
class RouteFeatureCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  static ConfigSnapshot snapshot(Route route) {
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
        .addClusters(
            Cluster.newBuilder()
                .setName("a")
                .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(9)))
        .build();
  }

  static Route.Builder route(String name) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute default/" + name)
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue("/p"))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster("a").setWeight(1)));
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
  void errorBackendNeedsAnErrorStatusAndNoCluster() {
    assertRejected(
        route("e1")
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setErrorStatus(302).setWeight(1)))
            .build(),
        "error backend");
    assertRejected(
        route("e2")
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(
                        WeightedBackend.newBuilder()
                            .setCluster("a")
                            .setErrorStatus(500)
                            .setWeight(1)))
            .build(),
        "error backend");
  }

  @Test
  void unknownMirrorClusterOversizedShareBadOriginAndNon5xxRetryCodeAreRejected() {
    assertRejected(
        route("m1").addMirrors(Mirror.newBuilder().setCluster("nope")).build(),
        "unknown mirror cluster nope");
    assertRejected(
        route("m2")
            .addMirrors(Mirror.newBuilder().setCluster("a").setNumerator(3).setDenominator(2))
            .build(),
        "mirror share");
    assertRejected(
        route("c1").setCors(Cors.newBuilder().addAllowOrigins("no-scheme")).build(),
        "invalid CORS");
    assertRejected(
        route("r1").setRetry(Retry.newBuilder().setAttempts(2).addCodes(404)).build(),
        "retry code 404");
  }

  @Test
  void configLinesShowErrorBackendsMirrorsRetryAndCors() throws Exception {
    Route r =
        route("all")
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setCluster("a").setWeight(1))
                    .addBackends(WeightedBackend.newBuilder().setErrorStatus(500).setWeight(1)))
            .addMirrors(Mirror.newBuilder().setCluster("a").setNumerator(50))
            .setRetry(Retry.newBuilder().setAttempts(3).addCodes(503).setBackoffMs(20))
            .setCors(
                Cors.newBuilder()
                    .addAllowOrigins("https://*.example.com")
                    .addAllowMethods("GET")
                    .setAllowCredentials(true)
                    .setMaxAgeSeconds(60))
            .build();
    assertThat(compiler.compile(snapshot(r), null).summary().routes())
        .singleElement()
        .asString()
        .contains("a weight=1, error 500 weight=1")
        .contains("mirror a 50/100")
        .contains("retry attempts=3 codes={503} backoff=20ms")
        .contains("cors origins=https://*.example.com methods=GET credentials max-age=60");
  }
}
