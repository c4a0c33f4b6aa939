package dev.weir.controller.observe;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.loop.Build;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.push.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the current version has reached: the version each node should hold (its target's, in the
 * last published {@link Build}), whether it does, and how long the last edit took to land on every
 * node. This answers "has my change landed everywhere, and how long did it take?":
 *
 * <ul>
 *   <li>{@code weir_controller_propagation_seconds} (histogram): from the first change signal of
 *       the debounced build to the moment every connected node ACKed that build's version for its
 *       target;
 *   <li>{@code weir_controller_last_propagation_seconds}: the last such time (NaN before the
 *       first).
 * </ul>
 *
 * <p>A generation superseded before every node ACKed it is never recorded, nor one published while
 * no node is connected. Each complete propagation is logged once at INFO.
 *
 * <p>Threading: {@link #published} runs on the loop's thread, {@link #nodeChanged} on gRPC threads,
 * the gauges on the scraping thread; state is guarded by this object's monitor, held only briefly.
 */
public final class Propagation implements NodeRegistry.Listener {

  private static final Logger log = LoggerFactory.getLogger(Propagation.class);

  /** Histogram bounds: a debounce of 100 ms plus a push is typically well under a second. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /**
   * A version that reached every connected node.
   *
   * @param generation the build's generation
   * @param version the shared snapshot's version
   * @param nodes how many connected nodes ACKed it
   * @param millis from the first change to the last ACK
   * @param at when the last ACK arrived
   */
  public record Complete(long generation, String version, int nodes, long millis, Instant at) {
    public Complete {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Where a node stands against the current version of its target. */
  enum NodeStatus {
    ACKED,
    BEHIND,
    NACKED,
    DISCONNECTED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record Pending(long generation, String version, long firstChangeNanos) {}

  private final NodeRegistry nodes;
  private final Timer histogram;
  // Guarded by this.
  private Build current;
  private Map<String, Long> publishedAtByVersion = Map.of();
  private long publishedAtNanos;
  private Pending pending;
  private volatile Complete last;

  Propagation(MeterRegistry registry, NodeRegistry nodes) {
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.histogram =
        Timer.builder("weir.controller.propagation")
            .description(
                "From the first change of a build to every connected node ACKing its version")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    Gauge.builder("weir.controller.last.propagation", this, Propagation::lastSeconds)
        .description("The last complete propagation, from first change to the last node's ACK")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    nodes.addListener(this);
  }

  /** The last complete propagation, if any. */
  public Optional<Complete> last() {
    return Optional.ofNullable(last);
  }

  /** {@code build}, with a new version, is being published; its first change came at the nanos. */
  void published(Build build, long firstChangeNanos) {
    Complete done;
    synchronized (this) {
      long now = System.nanoTime();
      Map<String, Long> next = new HashMap<>();
      // A target whose version did not change keeps the time that version was first published.
      next.put(build.version(), publishedAtByVersion.getOrDefault(build.version(), now));
      for (ConfigSnapshot s : build.gatewaySnapshots().values()) {
        next.put(s.getVersion(), publishedAtByVersion.getOrDefault(s.getVersion(), now));
      }
      if (pending != null) {
        log.debug("generation {} superseded before every node acked it", pending.generation());
      }
      current = build;
      publishedAtByVersion = next;
      publishedAtNanos = now;
      pending = new Pending(build.generation(), build.version(), firstChangeNanos);
      done = completeIfAllAcked();
    }
    report(done);
  }

  @Override
  public void nodeChanged(NodeState node) {
    Complete done;
    synchronized (this) {
      if (pending == null) {
        return;
      }
      done = completeIfAllAcked();
    }
    report(done);
  }

  /** Where {@code node} stands against the current version of its target. */
  synchronized NodeStatus status(NodeState node) {
    if (!node.connected()) {
      return NodeStatus.DISCONNECTED;
    }
    if (current == null) {
      return NodeStatus.BEHIND;
    }
    String target = versionFor(current, node.gateway());
    if (node.lastAckedVersion().equals(target)) {
      return NodeStatus.ACKED;
    }
    NodeState.Nack nack = node.lastNack();
    return nack != null && nack.version().equals(target) ? NodeStatus.NACKED : NodeStatus.BEHIND;
  }

  /**
   * 0 when {@code node} holds its target's current version, else seconds since it was published.
   */
  synchronized double lagSeconds(NodeState node) {
    if (current == null || node.lastAckedVersion().equals(versionFor(current, node.gateway()))) {
      return 0;
    }
    long since =
        publishedAtByVersion.getOrDefault(versionFor(current, node.gateway()), publishedAtNanos);
    return (System.nanoTime() - since) / 1e9;
  }

  /** Completes the pending generation if every connected node holds it. Caller holds the lock. */
  private Complete completeIfAllAcked() {
    List<NodeState> connected = nodes.nodes().stream().filter(NodeState::connected).toList();
    if (connected.isEmpty()) {
      pending = null; // nobody to propagate to: not a measurement
      return null;
    }
    for (NodeState n : connected) {
      if (!n.lastAckedVersion().equals(versionFor(current, n.gateway()))) {
        return null;
      }
    }
    long nanos = System.nanoTime() - pending.firstChangeNanos();
    histogram.record(nanos, TimeUnit.NANOSECONDS);
    Complete done =
        new Complete(
            pending.generation(),
            pending.version(),
            connected.size(),
            TimeUnit.NANOSECONDS.toMillis(nanos),
            Instant.now());
    last = done;
    pending = null;
    return done;
  }

  private static void report(Complete done) {
    if (done != null) {
      log.info(
          "generation {} (version {}…) acked by all {} nodes in {} ms after the first change",
          done.generation(),
          done.version().substring(0, Math.min(12, done.version().length())),
          done.nodes(),
          done.millis());
    }
  }

  /** The version pods serving {@code gateway} ("" for shared pods) should hold after {@code b}. */
  private static String versionFor(Build b, String gateway) {
    if (gateway.isEmpty()) {
      return b.version();
    }
    ConfigSnapshot s = b.gatewaySnapshots().get(gateway);
    return s != null ? s.getVersion() : b.snapshotFor(gateway).getVersion();
  }

  private double lastSeconds() {
    Complete c = last;
    return c == null ? Double.NaN : c.millis() / 1e3;
  }
}
