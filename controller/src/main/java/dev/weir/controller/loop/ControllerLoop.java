package dev.weir.controller.loop;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.source.ChangeListener;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.source.Source;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's single build loop. Sources signal changes ({@link ChangeListener}); the loop
 * debounces them — it builds once no signal has arrived for {@code holdoff}, or at the latest
 * {@code maxDelay} after the first pending one — and builds nothing until every source has synced.
 * A build is compared with the previous one target by target (the shared snapshot and each
 * Gateway's): when no target's version changed it publishes nothing; otherwise it gets the next
 * generation (one monotonic counter for all targets) and goes to the {@link SnapshotSink}, which
 * pushes only the targets whose version changed. Every build goes to the {@link BuildListener}s
 * (status writing and the admin view) and to the {@link BuildObserver} (metrics), which is also
 * told, before a new version is published, when the first change behind it arrived.
 *
 * <p>A change to a Secret that the last build did not reference (through an Ingress, or a Gateway
 * listener's certificateRefs) cannot change the output, so it triggers no build (an object that
 * starts referencing it triggers one by itself). Gateway API objects always trigger a build.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Threading: signals may come from any
 * thread and only take a short lock; building and publishing run on the loop's own thread.
 */
public final class ControllerLoop implements ChangeListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControllerLoop.class);
  private static final long SYNC_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final List<Source> sources;
  private final ObjectStore store;
  private final SnapshotBuilder builder;
  private final Function<ClusterState, Set<ObjectRef>> referencedSecrets;
  private final SnapshotSink sink;
  private final List<BuildListener> listeners;
  private final BuildObserver observer;
  private final long holdoffNanos;
  private final long maxDelayNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  // Guarded by lock. Dirty from the start, so the first build runs once sources sync.
  private boolean dirty = true;
  private long firstPendingAt = System.nanoTime();
  private long lastPendingAt = firstPendingAt;
  private boolean running;

  // Written only by the loop thread.
  private volatile Set<ObjectRef> lastReferencedSecrets = Set.of();
  private volatile boolean builtOnce;
  private volatile Build lastBuild;
  private volatile Build lastChangedBuild;
  private long generation;
  private long buildFirstChangeAt;
  private Thread thread;

  /**
   * @param sources the sources to start and wait for
   * @param store the store the sources fill
   * @param builder the pure pipeline
   * @param referencedSecrets the Secrets a state's output depends on (see {@code IngressOwnership})
   * @param sink receives each new version
   * @param listeners receive every build
   * @param holdoff quiet time after the last signal before building
   * @param maxDelay longest time a signal may wait for its build
   */
  public ControllerLoop(
      List<Source> sources,
      ObjectStore store,
      SnapshotBuilder builder,
      Function<ClusterState, Set<ObjectRef>> referencedSecrets,
      SnapshotSink sink,
      List<BuildListener> listeners,
      Duration holdoff,
      Duration maxDelay) {
    this(
        sources,
        store,
        builder,
        referencedSecrets,
        sink,
        listeners,
        BuildObserver.NONE,
        holdoff,
        maxDelay);
  }

  /**
   * @param sources the sources to start and wait for
   * @param store the store the sources fill
   * @param builder the pure pipeline
   * @param referencedSecrets the Secrets a state's output depends on (see {@code IngressOwnership})
   * @param sink receives each new version
   * @param listeners receive every build
   * @param observer watches every build (metrics)
   * @param holdoff quiet time after the last signal before building
   * @param maxDelay longest time a signal may wait for its build
   */
  public ControllerLoop(
      List<Source> sources,
      ObjectStore store,
      SnapshotBuilder builder,
      Function<ClusterState, Set<ObjectRef>> referencedSecrets,
      SnapshotSink sink,
      List<BuildListener> listeners,
      BuildObserver observer,
      Duration holdoff,
      Duration maxDelay) {
    this.observer = Objects.requireNonNull(observer, "observer");
    this.sources = List.copyOf(sources);
    this.store = Objects.requireNonNull(store, "store");
    this.builder = Objects.requireNonNull(builder, "builder");
    this.referencedSecrets = Objects.requireNonNull(referencedSecrets, "referencedSecrets");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.listeners = List.copyOf(listeners);
    this.holdoffNanos = holdoff.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    if (holdoffNanos < 0 || maxDelayNanos < holdoffNanos) {
      throw new IllegalArgumentException("need 0 <= holdoff <= maxDelay");
    }
  }

  /** Starts the loop thread, then every source. */
  public void start() {
    lock.lock();
    try {
      if (thread != null) {
        throw new IllegalStateException("already started");
      }
      running = true;
      thread = Thread.ofPlatform().name("weir-controller-loop").start(this::run);
    } finally {
      lock.unlock();
    }
    for (Source source : sources) {
      source.start(this);
    }
  }

  @Override
  public void objectChanged(ObjectRef ref) {
    // Sound because an Ingress that starts referencing this Secret triggers a build of its own,
    // and that build reads the Secret from the store.
    if (builtOnce && ref.kind().equals("Secret") && !lastReferencedSecrets.contains(ref)) {
      log.trace("{} is not referenced; no rebuild", ref);
      return;
    }
    signal();
  }

  @Override
  public void resynced() {
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      long now = System.nanoTime();
      if (!dirty) {
        dirty = true;
        firstPendingAt = now;
      }
      lastPendingAt = now;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells the loop that a connected pod serves {@code gateway} ("namespace/name", or "" for a
   * shared pod): when the last published build left that Gateway out because no pod was dedicated
   * to it (see {@link BuildResult#compiled}), builds again, so the pod gets its snapshot. Any
   * thread.
   */
  public void gatewayServed(String gateway) {
    Build published = lastChangedBuild;
    if (published != null && !published.compiled(gateway)) {
      log.debug("a pod serves Gateway {}, which the last build left out; rebuilding", gateway);
      signal();
    }
  }

  /** The last build, whether or not it changed the version. */
  public Optional<Build> lastBuild() {
    return Optional.ofNullable(lastBuild);
  }

  /** The last build that produced a new version, that is, what was last published. */
  public Optional<Build> lastPublished() {
    return Optional.ofNullable(lastChangedBuild);
  }

  private void run() {
    while (awaitWork()) {
      try {
        buildOnce();
      } catch (RuntimeException e) {
        // The pipeline must not throw on user input; if it does anyway, keep the last good
        // snapshot published and try again on the next change.
        log.error("build failed; keeping the last snapshot", e);
      }
    }
  }

  /** Blocks until a debounced build is due; returns false when closed. */
  private boolean awaitWork() {
    lock.lock();
    try {
      while (running) {
        if (!dirty) {
          wake.await();
          continue;
        }
        if (!allSynced()) {
          wake.awaitNanos(SYNC_RECHECK_NANOS);
          continue;
        }
        long now = System.nanoTime();
        long due = Math.min(lastPendingAt + holdoffNanos, firstPendingAt + maxDelayNanos);
        if (now - due < 0) {
          wake.awaitNanos(due - now);
          continue;
        }
        dirty = false;
        buildFirstChangeAt = firstPendingAt;
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private boolean allSynced() {
    return sources.stream().allMatch(Source::hasSynced);
  }

  private void buildOnce() {
    long started = System.nanoTime();
    ClusterState state = store.snapshot();
    BuildResult result = builder.build(state);
    Set<ObjectRef> secrets = new HashSet<>(referencedSecrets.apply(state));
    secrets.addAll(GatewaySecrets.referenced(state));
    lastReferencedSecrets = Set.copyOf(secrets);
    builtOnce = true;
    long took = System.nanoTime() - started;
    long micros = TimeUnit.NANOSECONDS.toMicros(took);
    Build previous = lastChangedBuild;
    String version = result.snapshot().getVersion();
    Build build;
    if (previous != null && sameVersions(previous, result)) {
      build =
          new Build(
              previous.snapshot(),
              result.problems(),
              state,
              false,
              Instant.now(),
              previous.gatewaySnapshots(),
              result.gatewayStatus());
      log.debug(
          "build unchanged: version {} ({} problems, {} µs)",
          shortVersion(version),
          result.problems().size(),
          micros);
    } else {
      long g = ++generation;
      ConfigSnapshot snapshot = result.snapshot().toBuilder().setGeneration(g).build();
      SortedMap<String, ConfigSnapshot> gateways = new TreeMap<>();
      result
          .gatewaySnapshots()
          .forEach((k, v) -> gateways.put(k, v.toBuilder().setGeneration(g).build()));
      build =
          new Build(
              snapshot,
              result.problems(),
              state,
              true,
              Instant.now(),
              gateways,
              result.gatewayStatus());
      lastChangedBuild = build;
      log.info(
          "built generation {} version {} ({} gateway targets, {} problems, {} µs)",
          generation,
          shortVersion(version),
          gateways.size(),
          result.problems().size(),
          micros);
      observe(() -> observer.publishing(build, buildFirstChangeAt));
      sink.publish(build.asResult());
    }
    lastBuild = build;
    observe(() -> observer.built(build, Duration.ofNanos(took)));
    for (BuildListener listener : listeners) {
      try {
        listener.onBuild(build);
      } catch (RuntimeException e) {
        log.error("build listener failed", e);
      }
    }
  }

  /** Runs an observer call; metrics must never stop a build from being published. */
  private static void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("build observer failed", e);
    }
  }

  /** Whether every target of {@code result} has the version it had in {@code previous}. */
  private static boolean sameVersions(Build previous, BuildResult result) {
    if (!previous.version().equals(result.snapshot().getVersion())
        || !previous.gatewaySnapshots().keySet().equals(result.gatewaySnapshots().keySet())) {
      return false;
    }
    for (Map.Entry<String, ConfigSnapshot> e : result.gatewaySnapshots().entrySet()) {
      if (!previous
          .gatewaySnapshots()
          .get(e.getKey())
          .getVersion()
          .equals(e.getValue().getVersion())) {
        return false;
      }
    }
    return true;
  }

  private static String shortVersion(String version) {
    return version.length() > 12 ? version.substring(0, 12) : version;
  }

  /** Closes every source, then stops the loop thread (a running build finishes first). */
  @Override
  public void close() {
    for (Source source : sources) {
      try {
        source.close();
      } catch (RuntimeException e) {
        log.warn("closing a source failed: {}", e.toString());
      }
    }
    Thread t;
    lock.lock();
    try {
      running = false;
      wake.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
