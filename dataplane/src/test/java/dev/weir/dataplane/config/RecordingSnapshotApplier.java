package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ResourceError;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link SnapshotApplier} for tests: records what it applied and on which thread, rejects the
 * versions it is told to, and throws a runtime exception for the ones it is told to. Thread-safe.
 */
final class RecordingSnapshotApplier implements SnapshotApplier {

  static final ResourceError BAD_CLUSTER =
      ResourceError.newBuilder()
          .setKind("cluster")
          .setName("default/cart:80")
          .setReason("no endpoints")
          .build();

  final List<ConfigSnapshot> applied = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();
  final Set<String> rejectVersions = ConcurrentHashMap.newKeySet();
  final Set<String> crashVersions = ConcurrentHashMap.newKeySet();
  private volatile ConfigSummary current;

  @Override
  public void apply(ConfigSnapshot snapshot) throws SnapshotRejectedException {
    threads.add(Thread.currentThread().getName());
    if (rejectVersions.contains(snapshot.getVersion())) {
      throw new SnapshotRejectedException(
          "cluster default/cart:80 is broken", List.of(BAD_CLUSTER));
    }
    if (crashVersions.contains(snapshot.getVersion())) {
      throw new IllegalStateException("boom");
    }
    applied.add(snapshot);
    current =
        new ConfigSummary(
            snapshot.getVersion(),
            snapshot.getGeneration(),
            List.of(),
            List.of(),
            List.of(),
            snapshot.getSecretsList().stream().map(s -> s.getName()).toList());
  }

  @Override
  public Optional<ConfigSummary> current() {
    return Optional.ofNullable(current);
  }

  List<String> appliedVersions() {
    return applied.stream().map(ConfigSnapshot::getVersion).toList();
  }
}
