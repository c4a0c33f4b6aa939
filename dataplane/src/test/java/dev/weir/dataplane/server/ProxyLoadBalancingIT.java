package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.HashKey;
import dev.weir.api.config.v1.LoadBalancing;
import dev.weir.api.config.v1.SessionPersistence;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.testing.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster.load_balancing, Endpoint.weight and session_persistence through a real proxy and three
 * real backends: weighted round robin, consistent hashing, session cookies, least request.
 */
class ProxyLoadBalancingIT {

  private final List<EchoServer> backends = new ArrayList<>();
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() {
    for (String name : List.of("a", "b", "c")) {
      backends.add(EchoServer.start(name));
    }
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    backends.forEach(EchoServer::close);
  }

  /** Serves every request from cluster {@code c}, named "lb". */
  private void serve(Cluster.Builder c) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("vh", List.of("*"), prefix("all", "/", "lb"))))
            .addClusters(c.setName("lb").setConnectTimeoutMs(1000))
            .build());
  }

  private static Endpoint.Builder endpoint(int port, int weight) {
    return Endpoint.newBuilder().setAddress("127.0.0.1").setPort(port).setWeight(weight);
  }

  private Cluster.Builder allBackends() {
    Cluster.Builder c = Cluster.newBuilder();
    backends.forEach(b -> c.addEndpoints(endpoint(b.port(), 0)));
    return c;
  }

  private HttpResponse<String> get(String header, String value) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10));
    if (header != null) {
      r.header(header, value);
    }
    return proxy.client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String backend(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    return r.headers().firstValue("x-backend").orElseThrow();
  }

  @Test
  void weightedRoundRobinSendsRequestsInTheWeightsRatio() throws Exception {
    serve(
        Cluster.newBuilder()
            .addEndpoints(endpoint(backends.get(0).port(), 3))
            .addEndpoints(endpoint(backends.get(1).port(), 2))
            .addEndpoints(endpoint(backends.get(2).port(), 1)));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      counts.merge(backend(get(null, null)), 1, Integer::sum);
    }
    // Ten whole periods of the smooth schedule: exactly 3:2:1.
    assertThat(counts).containsEntry("a", 30).containsEntry("b", 20).containsEntry("c", 10);
  }

  @Test
  void consistentHashingOnAHeaderKeepsEachUserOnOneBackend() throws Exception {
    for (LoadBalancing.Algorithm algorithm :
        List.of(LoadBalancing.Algorithm.RING_HASH, LoadBalancing.Algorithm.MAGLEV)) {
      serve(
          allBackends()
              .setLoadBalancing(
                  LoadBalancing.newBuilder()
                      .setAlgorithm(algorithm)
                      .setHashKey(HashKey.newBuilder().setHeader("x-user"))));
      Set<String> used = new HashSet<>();
      for (int user = 0; user < 20; user++) {
        String first = backend(get("x-user", "user-" + user));
        used.add(first);
        for (int i = 0; i < 4; i++) {
          assertThat(backend(get("x-user", "user-" + user)))
              .as(algorithm + " user-" + user)
              .isEqualTo(first);
        }
      }
      assertThat(used).as(algorithm + " spreads users").hasSizeGreaterThan(1);
      // Without the header: round robin.
      Set<String> unkeyed = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        unkeyed.add(backend(get(null, null)));
      }
      assertThat(unkeyed).hasSize(3);
    }
  }

  @Test
  void sessionCookieSticksAndIsReissuedWhenItsBackendLeaves() throws Exception {
    Cluster.Builder cluster =
        allBackends()
            .setSessionPersistence(
                SessionPersistence.newBuilder().setCookieName("weir-session").setTtlSeconds(60));
    serve(cluster);
    HttpResponse<String> first = get(null, null);
    String pinned = backend(first);
    String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie).matches("weir-session=[A-Za-z0-9_-]{16}; Path=/; HttpOnly; Max-Age=60");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> r = get("cookie", cookie);
      assertThat(backend(r)).isEqualTo(pinned);
      assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    }

    // A new snapshot without the pinned backend: the old cookie names nothing, so it is replaced.
    Cluster.Builder without =
        Cluster.newBuilder().setSessionPersistence(cluster.getSessionPersistence());
    backends.stream()
        .filter(b -> !b.name().equals(pinned))
        .forEach(b -> without.addEndpoints(endpoint(b.port(), 0)));
    serve(without);
    HttpResponse<String> moved = get("cookie", cookie);
    String next = backend(moved);
    assertThat(next).isNotEqualTo(pinned);
    String reissued = moved.headers().firstValue("set-cookie").orElseThrow();
    String newCookie = reissued.substring(0, reissued.indexOf(';'));
    assertThat(newCookie).startsWith("weir-session=").isNotEqualTo(cookie);
    for (int i = 0; i < 5; i++) {
      assertThat(backend(get("cookie", newCookie))).isEqualTo(next);
    }
  }

  @Test
  void leastRequestSteersAroundASlowBackendAndCountsReturnToZero() throws Exception {
    try (ScriptedBackend slow =
        new ScriptedBackend(
            "HTTP/1.1 200 OK\r\nx-backend: slow\r\ncontent-length: 4\r\n\r\nslow",
            false,
            Duration.ofMillis(300))) {
      serve(
          Cluster.newBuilder()
              .addEndpoints(endpoint(backends.get(0).port(), 0))
              .addEndpoints(endpoint(backends.get(1).port(), 0))
              .addEndpoints(endpoint(slow.port(), 0))
              .setLoadBalancing(
                  LoadBalancing.newBuilder().setAlgorithm(LoadBalancing.Algorithm.LEAST_REQUEST)));
      Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
      int workers = 8;
      int each = 25;
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      counts
                          .computeIfAbsent(backend(get(null, null)), k -> new AtomicInteger())
                          .incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      int slowShare = counts.getOrDefault("slow", new AtomicInteger()).get();
      // Round robin would send it a third (about 67); two choices send it a small share (about 13
      // when measured), as it wins a draw only on a tie with a fast backend.
      assertThat(slowShare)
          .as("requests to the slow backend: %s", counts)
          .isLessThan(workers * each / 6);
      for (int p : new int[] {backends.get(0).port(), backends.get(1).port(), slow.port()}) {
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    proxy
                        .runtime
                        .configApplier()
                        .inFlight()
                        .get(new UpstreamEndpoint("127.0.0.1", p)),
                n -> n == 0);
      }
    }
  }

  @Test
  void inFlightCountsDropAfterFailedConnects() throws Exception {
    int dead = freePort();
    serve(
        Cluster.newBuilder()
            .addEndpoints(endpoint(dead, 0))
            .setLoadBalancing(
                LoadBalancing.newBuilder().setAlgorithm(LoadBalancing.Algorithm.LEAST_REQUEST)));
    for (int i = 0; i < 3; i++) {
      assertThat(get(null, null).statusCode()).isEqualTo(502);
    }
    assertThat(
            proxy.runtime.configApplier().inFlight().get(new UpstreamEndpoint("127.0.0.1", dead)))
        .isZero();
  }
}
