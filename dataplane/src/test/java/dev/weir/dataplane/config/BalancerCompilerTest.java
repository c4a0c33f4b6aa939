package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.HashKey;
import dev.weir.api.config.v1.LoadBalancing;
import dev.weir.api.config.v1.SessionPersistence;
import dev.weir.dataplane.lb.ConsistentHashBalancer;
import dev.weir.dataplane.lb.LeastRequestBalancer;
import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.lb.RandomBalancer;
import dev.weir.dataplane.lb.RoundRobinBalancer;
import dev.weir.dataplane.lb.SessionAffinity;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.ssl.SslProvider;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cluster.load_balancing, Endpoint.weight and session_persistence compiled, or NACKed. */
class BalancerCompilerTest {

  private final RuntimeConfigCompiler compiler =
      new RuntimeConfigCompiler(ProxySettings.defaults(), SslProvider.JDK);

  private static Cluster.Builder cluster(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(9001).setWeight(3))
        .addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(9002));
  }

  private static LoadBalancing.Builder lb(LoadBalancing.Algorithm algorithm) {
    return LoadBalancing.newBuilder().setAlgorithm(algorithm);
  }

  private UpstreamCluster compile(Cluster.Builder c) throws SnapshotRejectedException {
    ConfigSnapshot s = ConfigSnapshot.newBuilder().setVersion("v1").addClusters(c).build();
    return compiler.compile(s, null).clusters().get(c.getName());
  }

  private void assertRejected(Cluster.Builder c, String reason) {
    ConfigSnapshot s = ConfigSnapshot.newBuilder().setVersion("v1").addClusters(c).build();
    assertThatThrownBy(() -> compiler.compile(s, null))
        .isInstanceOfSatisfying(
            SnapshotRejectedException.class,
            e -> {
              assertThat(e.getMessage()).contains("cluster " + c.getName()).contains(reason);
              assertThat(e.resources())
                  .singleElement()
                  .satisfies(
                      r -> {
                        assertThat(r.getKind()).isEqualTo("cluster");
                        assertThat(r.getName()).isEqualTo(c.getName());
                      });
            });
  }

  @Test
  void hashingWithoutAHashKeyIsRejectedNamingTheCluster() {
    assertRejected(
        cluster("default/ring:80").setLoadBalancing(lb(LoadBalancing.Algorithm.RING_HASH)),
        "RING_HASH needs a hash_key");
    assertRejected(
        cluster("default/maglev:80").setLoadBalancing(lb(LoadBalancing.Algorithm.MAGLEV)),
        "MAGLEV needs a hash_key");
    assertRejected(
        cluster("default/empty:80")
            .setLoadBalancing(
                lb(LoadBalancing.Algorithm.RING_HASH)
                    .setHashKey(HashKey.newBuilder().setHeader(""))),
        "needs a hash_key");
  }

  @Test
  void maglevTableSizeMustBePrime() {
    HashKey ip = HashKey.newBuilder().setSourceIp(true).build();
    assertRejected(
        cluster("default/m:80")
            .setLoadBalancing(
                lb(LoadBalancing.Algorithm.MAGLEV).setHashKey(ip).setTableSize(65536)),
        "MAGLEV table_size 65536 is not prime");
    assertRejected(
        cluster("default/big:80")
            .setLoadBalancing(
                lb(LoadBalancing.Algorithm.MAGLEV).setHashKey(ip).setTableSize(2_147_483_647)),
        "must be from the endpoint count");
  }

  @Test
  void sessionPersistenceNeedsAName() {
    assertRejected(
        cluster("default/s:80").setSessionPersistence(SessionPersistence.newBuilder()),
        "session_persistence needs");
    assertRejected(
        cluster("default/s2:80")
            .setSessionPersistence(SessionPersistence.newBuilder().setCookieName("bad name")),
        "session_persistence needs");
  }

  @Test
  void eachAlgorithmCompilesToItsBalancer() throws Exception {
    HashKey header = HashKey.newBuilder().setHeader("x-user").build();
    assertThat(compile(cluster("a")).balancer()).isInstanceOf(RoundRobinBalancer.class);
    assertThat(
            compile(cluster("b").setLoadBalancing(lb(LoadBalancing.Algorithm.LEAST_REQUEST)))
                .balancer())
        .isInstanceOf(LeastRequestBalancer.class);
    assertThat(
            compile(cluster("c").setLoadBalancing(lb(LoadBalancing.Algorithm.RANDOM))).balancer())
        .isInstanceOf(RandomBalancer.class);
    UpstreamCluster ring =
        compile(
            cluster("d")
                .setLoadBalancing(lb(LoadBalancing.Algorithm.RING_HASH).setHashKey(header)));
    assertThat(ring.balancer()).isInstanceOf(ConsistentHashBalancer.class);
    assertThat(ring.hashKey()).isEqualTo(new dev.weir.dataplane.lb.HashKey.Header("x-user"));
    UpstreamCluster maglev =
        compile(
            cluster("e")
                .setLoadBalancing(
                    lb(LoadBalancing.Algorithm.MAGLEV).setHashKey(header).setTableSize(251)));
    assertThat(maglev.balancer()).isInstanceOf(ConsistentHashBalancer.class);
  }

  @Test
  void endpointWeightsReachTheBalancerAndZeroMeansOne() throws Exception {
    UpstreamCluster c = compile(cluster("w"));
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      counts.merge(c.balancer().select(PickRequest.NONE).port(), 1, Integer::sum);
    }
    assertThat(counts).containsEntry(9001, 300).containsEntry(9002, 100);
  }

  @Test
  void sessionTokensAreOpaqueAndStableAcrossCompiles() throws Exception {
    Cluster.Builder c =
        cluster("default/web:80")
            .setSessionPersistence(
                SessionPersistence.newBuilder().setCookieName("weir-session").setTtlSeconds(60));
    SessionAffinity<UpstreamEndpoint> session = compile(c).session();
    UpstreamEndpoint e = new UpstreamEndpoint("127.0.0.1", 9001);
    String token = session.token(e);
    assertThat(token).matches("[A-Za-z0-9_-]{16}").doesNotContain("127");
    assertThat(session.endpoint(token)).isEqualTo(e);
    assertThat(compile(c).session().token(e)).isEqualTo(token);
    assertThat(session.carrier()).isEqualTo(SessionAffinity.Carrier.COOKIE);
    assertThat(session.ttlSeconds()).isEqualTo(60);
  }
}
