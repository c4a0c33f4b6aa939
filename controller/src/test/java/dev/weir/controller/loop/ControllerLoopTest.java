package dev.weir.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.source.ChangeListener;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.source.Source;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerLoopTest {

  private static final ObjectRef INGRESS = new ObjectRef("Ingress", "default", "shop");
  private static final ObjectRef USED_SECRET = new ObjectRef("Secret", "default", "used");
  private static final ObjectRef UNUSED_SECRET = new ObjectRef("Secret", "default", "unused");

  private final FakeSource source = new FakeSource();
  private final FakeBuilder builder = new FakeBuilder();
  private final List<ConfigSnapshot> published = new CopyOnWriteArrayList<>();
  private final List<Build> builds = new CopyOnWriteArrayList<>();
  private ControllerLoop loop;

  @AfterEach
  void close() {
    if (loop != null) {
      loop.close();
    }
  }

  private void startLoop(Duration holdoff, Duration maxDelay) {
    loop =
        new ControllerLoop(
            List.of(source),
            new ObjectStore(),
            builder,
            state -> Set.of(USED_SECRET),
            r -> published.add(r.snapshot()),
            List.of(builds::add),
            holdoff,
            maxDelay);
    loop.start();
  }

  @Test
  void burstOfSignalsBuildsOnce() {
    source.synced = true;
    startLoop(Duration.ofMillis(100), Duration.ofSeconds(5));
    await().until(() -> builder.calls.get() == 1); // the initial build

    for (int i = 0; i < 200; i++) {
      source.listener.objectChanged(INGRESS);
    }

    await().until(() -> builder.calls.get() == 2);
    await().during(Duration.ofMillis(400)).until(() -> builder.calls.get() == 2);
  }

  @Test
  void maxDelayBoundsTheWaitUnderConstantChurn() throws InterruptedException {
    source.synced = true;
    startLoop(Duration.ofMillis(100), Duration.ofMillis(250));
    await().until(() -> builder.calls.get() == 1);

    // A signal every 20 ms never lets the 100 ms holdoff expire; only maxDelay makes a build due.
    long end = System.nanoTime() + Duration.ofMillis(900).toNanos();
    while (System.nanoTime() < end) {
      source.listener.objectChanged(INGRESS);
      Thread.sleep(20);
    }

    assertThat(builder.calls.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void nothingIsBuiltBeforeEverySourceHasSynced() {
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    source.listener.objectChanged(INGRESS);

    await().during(Duration.ofMillis(400)).until(() -> builder.calls.get() == 0);

    source.synced = true;
    source.listener.resynced();
    await().until(() -> builder.calls.get() == 1);
    assertThat(published).hasSize(1);
  }

  @Test
  void identicalResultPushesNothing() {
    source.synced = true;
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    await().until(() -> builder.calls.get() == 1);

    source.listener.objectChanged(INGRESS);

    await().until(() -> builder.calls.get() == 2);
    await().until(() -> builds.size() == 2);
    assertThat(published).hasSize(1);
    assertThat(builds.get(1).changed()).isFalse();
    assertThat(builds.get(1).generation()).isEqualTo(1);
    assertThat(loop.lastPublished().orElseThrow().generation()).isEqualTo(1);
  }

  @Test
  void newVersionGetsTheNextGeneration() {
    source.synced = true;
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    await().until(() -> published.size() == 1);

    builder.version.set("v2");
    source.listener.objectChanged(INGRESS);

    await().until(() -> published.size() == 2);
    assertThat(published).extracting(ConfigSnapshot::getGeneration).containsExactly(1L, 2L);
    assertThat(published).extracting(ConfigSnapshot::getVersion).containsExactly("v1", "v2");
    assertThat(loop.lastBuild().orElseThrow().problems()).hasSize(1);
  }

  @Test
  void unreferencedSecretTriggersNoBuild() {
    source.synced = true;
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    await().until(() -> builder.calls.get() == 1);

    source.listener.objectChanged(UNUSED_SECRET);
    await().during(Duration.ofMillis(300)).until(() -> builder.calls.get() == 1);

    source.listener.objectChanged(USED_SECRET);
    await().until(() -> builder.calls.get() == 2);
  }

  @Test
  void aThrowingPipelineKeepsTheLoopAlive() {
    source.synced = true;
    builder.fail.set(true);
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    await().until(() -> builder.calls.get() == 1);
    assertThat(published).isEmpty();

    builder.fail.set(false);
    source.listener.objectChanged(INGRESS);
    await().until(() -> published.size() == 1);
  }

  @Test
  void versionsAreComparedPerTargetWithOneGeneration() {
    source.synced = true;
    startLoop(Duration.ofMillis(10), Duration.ofMillis(50));
    await().until(() -> builds.size() == 1);

    // The shared snapshot stays v1; a Gateway target appears.
    builder.gatewayVersion.set("g1");
    source.listener.objectChanged(INGRESS);
    await().until(() -> builds.size() == 2);
    assertThat(builds.get(1).changed()).isTrue();
    assertThat(builds.get(1).snapshotFor("web/gw").getVersion()).isEqualTo("g1");
    assertThat(builds.get(1).snapshotFor("web/gw").getGeneration()).isEqualTo(2);
    assertThat(published).extracting(ConfigSnapshot::getGeneration).containsExactly(1L, 2L);

    // Nothing changes for any target: nothing is published.
    source.listener.objectChanged(INGRESS);
    await().until(() -> builds.size() == 3);
    assertThat(builds.get(2).changed()).isFalse();
    assertThat(published).hasSize(2);
  }

  @Test
  void secretNamedByAGatewayCertificateRefTriggersABuild() {
    source.synced = true;
    ObjectStore store = new ObjectStore();
    store.put(
        new GatewayBuilder()
            .withNewMetadata()
            .withNamespace("web")
            .withName("gw")
            .endMetadata()
            .withNewSpec()
            .withGatewayClassName("weir")
            .addNewListener()
            .withName("https")
            .withPort(443)
            .withProtocol("HTTPS")
            .withNewTls()
            .addNewCertificateRef()
            .withName("cert")
            .endCertificateRef()
            .endTls()
            .endListener()
            .endSpec()
            .build());
    loop =
        new ControllerLoop(
            List.of(source),
            store,
            builder,
            state -> Set.of(),
            r -> published.add(r.snapshot()),
            List.of(builds::add),
            Duration.ofMillis(10),
            Duration.ofMillis(50));
    loop.start();
    await().until(() -> builder.calls.get() == 1);

    source.listener.objectChanged(UNUSED_SECRET);
    await().during(Duration.ofMillis(300)).until(() -> builder.calls.get() == 1);

    source.listener.objectChanged(new ObjectRef("Secret", "web", "cert"));
    await().until(() -> builder.calls.get() == 2);
  }

  /** A source whose sync state the test sets. */
  private static final class FakeSource implements Source {
    volatile boolean synced;
    volatile ChangeListener listener;

    @Override
    public void start(ChangeListener listener) {
      this.listener = listener;
    }

    @Override
    public boolean hasSynced() {
      return synced;
    }

    @Override
    public void close() {}
  }

  /** Returns a snapshot of a version the test chooses, with one problem. */
  private static final class FakeBuilder implements SnapshotBuilder {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<String> version = new AtomicReference<>("v1");
    final AtomicReference<Boolean> fail = new AtomicReference<>(false);
    final AtomicReference<String> gatewayVersion = new AtomicReference<>(null);

    @Override
    public BuildResult build(ClusterState state) {
      calls.incrementAndGet();
      if (fail.get()) {
        throw new IllegalStateException("bug");
      }
      TreeMap<String, ConfigSnapshot> gateways = new TreeMap<>();
      if (gatewayVersion.get() != null) {
        gateways.put(
            "web/gw", ConfigSnapshot.newBuilder().setVersion(gatewayVersion.get()).build());
      }
      return new BuildResult(
          ConfigSnapshot.newBuilder().setVersion(version.get()).build(),
          gateways,
          List.of(new Problem(INGRESS, "Accepted", "Invalid", "bad")),
          GatewayApiStatus.empty());
    }
  }
}
