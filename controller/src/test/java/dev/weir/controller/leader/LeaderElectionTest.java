package dev.weir.controller.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two (or more) replicas electing a leader on fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

  private static final Duration LEASE = Duration.ofMillis(1500);

  KubernetesMockServer server;
  KubernetesClient client;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  @Test
  void theMockRejectsALeaseWriteWithAStaleResourceVersion() {
    Lease created = client.leases().inNamespace("weir").resource(lease("a")).create();
    assertThatThrownBy(() -> client.leases().inNamespace("weir").resource(lease("b")).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    Lease first = new LeaseBuilder(created).editSpec().withHolderIdentity("b").endSpec().build();
    client.leases().inNamespace("weir").resource(first).update();
    Lease stale = new LeaseBuilder(created).editSpec().withHolderIdentity("c").endSpec().build();

    assertThatThrownBy(() -> client.leases().inNamespace("weir").resource(stale).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(holder("lock")).isEqualTo("b");
  }

  @Test
  void exactlyOneLeadsAndTheOtherTakesOverWithinTheLeaseWhenTheLeaderDies() {
    KubernetesClient leaderClient = server.createClient();
    Leadership a = start("a", leaderClient);
    await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
    Leadership b = start("b", client);
    // b stands by for several retry periods, seeing a as the leader.
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> a.isLeader() && !b.isLeader() && b.leader().equals("a"));

    // a "dies": its API connection goes, so it neither renews nor releases the Lease.
    long died = System.nanoTime();
    leaderClient.close();
    await().atMost(LEASE.multipliedBy(3)).until(b::isLeader);
    Duration takeover = Duration.ofNanos(System.nanoTime() - died);

    System.out.println("leader election: takeover after " + takeover.toMillis() + " ms");
    // The Lease must expire first (a renewed it up to a retry period or two before dying), then
    // b's next jittered retry (at most 2.2 periods later) takes it.
    assertThat(takeover).isGreaterThanOrEqualTo(LEASE.minusMillis(600));
    assertThat(takeover).isLessThan(LEASE.plusMillis(1500));
    assertThat(holder()).isEqualTo("b");
  }

  @Test
  void closingTheLeaderReleasesTheLeaseForAQuickHandover() throws Exception {
    Leadership a = start("a", client);
    await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
    Leadership b = start("b", client);
    await().atMost(Duration.ofSeconds(2)).until(() -> b.leader().equals("a"));

    long closed = System.nanoTime();
    toClose.removeFirst().close();
    assertThat(a.isLeader()).isFalse();
    await().atMost(Duration.ofSeconds(2)).until(b::isLeader);

    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(LEASE);
  }

  @Test
  void aLeaderThatLosesTheLeaseStandsByAndLeadsAgainLater() {
    Leadership a = start("a", client);
    await().atMost(Duration.ofSeconds(5)).until(a::isLeader);

    // Another party takes the Lease (as after a long pause of a): a's renewal fails.
    Lease taken = client.leases().inNamespace("weir").withName("weir-controller").get();
    taken.getSpec().setHolderIdentity("intruder");
    taken.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
    client.leases().inNamespace("weir").resource(taken).update();

    await().atMost(Duration.ofSeconds(3)).until(() -> !a.isLeader());
    assertThat(a.leader()).isEqualTo("intruder");
    // The intruder never renews: once its Lease expires, a's new round takes it back.
    await().atMost(LEASE.multipliedBy(3)).until(a::isLeader);
    assertThat(holder()).isEqualTo("a");
  }

  private Leadership start(String id, KubernetesClient c) {
    Leadership leadership = Leadership.elected(id);
    LeaderElectionSettings settings =
        new LeaderElectionSettings(
            "weir", "weir-controller", id, LEASE, Duration.ofMillis(1000), Duration.ofMillis(200));
    toClose.add(new LeaderElection(c, settings, leadership).start());
    return leadership;
  }

  private String holder() {
    return holder("weir-controller");
  }

  private String holder(String lease) {
    return client.leases().inNamespace("weir").withName(lease).get().getSpec().getHolderIdentity();
  }

  private static Lease lease(String holder) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName("lock")
        .withNamespace("weir")
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
        .endSpec()
        .build();
  }
}
