package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Header;
import dev.weir.api.config.v1.HeaderMatch;
import dev.weir.api.config.v1.HeaderModifier;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.PathRewrite;
import dev.weir.api.config.v1.QueryParamMatch;
import dev.weir.api.config.v1.Redirect;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.StringMatch;
import dev.weir.api.config.v1.Timeouts;
import dev.weir.api.config.v1.UrlRewrite;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.testing.EchoServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateway API route fields through a real proxy and real backends. */
class ProxyGatewayRoutingIT {

  private EchoServer alpha;
  private EchoServer beta;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() {
    alpha = EchoServer.start("alpha");
    beta = EchoServer.start("beta");
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    alpha.close();
    beta.close();
  }

  private void serve(Route... routes) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("vh", List.of("**.example.com", "*"), routes)))
            .addClusters(cluster("alpha", alpha.port()))
            .addClusters(cluster("beta", beta.port()))
            .build());
  }

  private static Route.Builder route(String name, PathMatch.Kind kind, String path) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute default/" + name)
        .setPath(PathMatch.newBuilder().setKind(kind).setValue(path));
  }

  private static ForwardAction.Builder to(String cluster) {
    return ForwardAction.newBuilder()
        .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1));
  }

  private static StringMatch exact(String v) {
    return StringMatch.newBuilder().setValue(v).build();
  }

  private static Header h(String name, String value) {
    return Header.newBuilder().setName(name).setValue(value).build();
  }

  private RawHttp.Response send(String request) throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(request);
      return c.read();
    }
  }

  private RawHttp.Response get(String target, String... headerLines) throws Exception {
    StringBuilder req =
        new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: a.b.example.com\r\n");
    for (String l : headerLines) {
      req.append(l).append("\r\n");
    }
    return send(req.append("Connection: close\r\n\r\n").toString());
  }

  @Test
  void headerQueryAndMethodConditionsRouteInOrder() throws Exception {
    serve(
        route("by-header", PathMatch.Kind.PREFIX, "/")
            .addHeaders(HeaderMatch.newBuilder().setName("x-env").setValue(exact("beta")))
            .setForward(to("beta"))
            .build(),
        route("by-query", PathMatch.Kind.PREFIX, "/")
            .addQueryParams(QueryParamMatch.newBuilder().setName("v").setValue(exact("two words")))
            .setForward(to("beta"))
            .build(),
        route("by-method", PathMatch.Kind.REGEX, "/m/[a-z]+")
            .setMethod("DELETE")
            .setForward(to("beta"))
            .build(),
        route("rest", PathMatch.Kind.PREFIX, "/").setForward(to("alpha")).build());
    assertThat(get("/x", "X-Env: beta").header("x-backend")).isEqualTo("beta");
    assertThat(get("/x", "X-Env: Beta").header("x-backend")).isEqualTo("alpha");
    assertThat(get("/x?v=two%20words").header("x-backend")).isEqualTo("beta");
    assertThat(get("/x?v=other&v=two%20words").header("x-backend")).isEqualTo("alpha");
    assertThat(
            send("DELETE /m/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .header("x-backend"))
        .isEqualTo("beta");
    assertThat(get("/m/abc").header("x-backend")).isEqualTo("alpha");
  }

  @Test
  void weightedBackendsSplitTraffic() throws Exception {
    serve(
        route("split", PathMatch.Kind.PREFIX, "/")
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setCluster("alpha").setWeight(3))
                    .addBackends(WeightedBackend.newBuilder().setCluster("beta").setWeight(1)))
            .build());
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      counts.merge(
          proxy.get(port, "/w").headers().firstValue("x-backend").orElseThrow(), 1, Integer::sum);
    }
    // Expected 300/100; sigma is about 8.7.
    assertThat(counts.get("alpha")).isBetween(255, 345);
    assertThat(counts.get("beta")).isEqualTo(400 - counts.get("alpha"));
  }

  @Test
  void requestAndResponseHeadersAreModifiedPerRouteAndPerBackend() throws Exception {
    serve(
        route("mod", PathMatch.Kind.PREFIX, "/")
            .setRequestHeaders(
                HeaderModifier.newBuilder()
                    .addSet(h("x-set", "route"))
                    .addAdd(h("x-add", "route"))
                    .addRemove("x-drop"))
            .setResponseHeaders(
                HeaderModifier.newBuilder().addSet(h("x-resp", "route")).addRemove("x-backend"))
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(
                        WeightedBackend.newBuilder()
                            .setCluster("beta")
                            .setWeight(1)
                            .setRequestHeaders(
                                HeaderModifier.newBuilder().addSet(h("x-set", "backend")))
                            .setResponseHeaders(
                                HeaderModifier.newBuilder().addAdd(h("x-resp", "backend")))))
            .build());
    RawHttp.Response r = get("/h", "X-Add: client", "X-Drop: secret", "X-Set: client");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body())
        .contains("backend=beta")
        .contains("header x-set: backend")
        .contains("header x-add: client")
        .contains("header x-add: route")
        .doesNotContain("x-drop")
        .doesNotContain("header x-set: route")
        .doesNotContain("header x-set: client");
    assertThat(r.header("x-resp")).isEqualTo("route, backend");
    assertThat(r.header("x-backend")).isNull();
    assertThat(r.header("x-request-id")).hasSize(32);
  }

  @Test
  void urlRewriteChangesPathAndHostButKeepsQueryAndForwardedHost() throws Exception {
    serve(
        route("prefix", PathMatch.Kind.PREFIX, "/old")
            .setRewrite(
                UrlRewrite.newBuilder()
                    .setHostname("internal.svc")
                    .setPath(PathRewrite.newBuilder().setPrefix("/new")))
            .setForward(to("alpha"))
            .build(),
        route("strip", PathMatch.Kind.PREFIX, "/strip")
            .setRewrite(UrlRewrite.newBuilder().setPath(PathRewrite.newBuilder().setPrefix("/")))
            .setForward(to("alpha"))
            .build(),
        route("full", PathMatch.Kind.PREFIX, "/full")
            .setRewrite(UrlRewrite.newBuilder().setPath(PathRewrite.newBuilder().setFull("/one")))
            .setForward(to("alpha"))
            .build());
    RawHttp.Response r = get("/old/a/b?q=1");
    assertThat(r.body())
        .contains("uri=/new/a/b?q=1")
        .contains("header host: internal.svc")
        .contains("header x-forwarded-host: a.b.example.com");
    assertThat(get("/strip/x").body()).contains("uri=/x\n").contains("host: a.b.example.com");
    assertThat(get("/strip").body()).contains("uri=/\n");
    assertThat(get("/full/x/y?z").body()).contains("uri=/one?z\n");
  }

  @Test
  void redirectsBuildLocationAndStatus() throws Exception {
    serve(
        route("to-https", PathMatch.Kind.PREFIX, "/secure")
            .setRedirect(Redirect.newBuilder().setScheme("https").setStatus(301))
            .build(),
        route("other-host", PathMatch.Kind.PREFIX, "/moved")
            .setRedirect(Redirect.newBuilder().setHostname("new.example.org").setStatus(302))
            .build(),
        route("with-port", PathMatch.Kind.PREFIX, "/port")
            .setRedirect(Redirect.newBuilder().setPort(8443).setStatus(307))
            .build(),
        route("prefix", PathMatch.Kind.PREFIX, "/v1")
            .setRedirect(
                Redirect.newBuilder()
                    .setPath(PathRewrite.newBuilder().setPrefix("/v2"))
                    .setStatus(308))
            .build(),
        route("full", PathMatch.Kind.PREFIX, "/full")
            .setRedirect(
                Redirect.newBuilder()
                    .setPath(PathRewrite.newBuilder().setFull("/landing"))
                    .setStatus(303))
            .build());
    RawHttp.Response r = get("/secure/x?a=1");
    assertThat(r.status()).isEqualTo(301);
    assertThat(r.header("location")).isEqualTo("https://a.b.example.com/secure/x?a=1");
    assertThat(r.header("content-length")).isEqualTo("0");
    assertThat(r.body()).isEmpty();
    assertThat(r.header("x-request-id")).hasSize(32);
    r = get("/moved");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("location")).isEqualTo("http://new.example.org:" + port + "/moved");
    r = get("/port/a");
    assertThat(r.status()).isEqualTo(307);
    assertThat(r.header("location")).isEqualTo("http://a.b.example.com:8443/port/a");
    r = get("/v1/items?x");
    assertThat(r.status()).isEqualTo(308);
    assertThat(r.header("location")).isEqualTo("http://a.b.example.com:" + port + "/v2/items?x");
    r = get("/full/x");
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("location")).isEqualTo("http://a.b.example.com:" + port + "/landing");
    assertThat(alpha.requests() + beta.requests()).isZero();
  }

  @Test
  void requestTimeoutAnswers504WithTheRequestId() throws Exception {
    serve(
        route("slow", PathMatch.Kind.PREFIX, "/")
            .setTimeouts(Timeouts.newBuilder().setRequestMs(200))
            .setForward(to("alpha"))
            .build());
    long start = System.nanoTime();
    RawHttp.Response r = get("/slow/3000");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.body()).contains("request id " + r.header("x-request-id"));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
  }

  @Test
  void backendRequestTimeoutAnswers504WhileAFasterRequestSucceeds() throws Exception {
    serve(
        route("attempt", PathMatch.Kind.PREFIX, "/")
            .setTimeouts(Timeouts.newBuilder().setBackendRequestMs(300))
            .setForward(to("beta"))
            .build());
    assertThat(get("/slow/2000").status()).isEqualTo(504);
    RawHttp.Response fast = get("/slow/10");
    assertThat(fast.status()).isEqualTo(200);
    assertThat(fast.header("x-backend")).isEqualTo("beta");
  }
}
