package dev.weir.controller.push;

import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-node state of every data-plane node that ever connected: identity, connection, last ACK and
 * last NACK. Read by the admin port and status; written by {@link ConfigDiscoveryService}.
 *
 * <p>Thread-safe: each update replaces one node's immutable {@link NodeState} atomically.
 */
public final class NodeRegistry {

  private final ConcurrentMap<String, NodeState> nodes = new ConcurrentHashMap<>();
  private final Clock clock;

  /**
   * @param clock the time source for timestamps
   */
  public NodeRegistry(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A registry on the system clock. */
  public NodeRegistry() {
    this(Clock.systemUTC());
  }

  /** Every node, sorted by id. */
  public List<NodeState> nodes() {
    return nodes.values().stream().sorted(Comparator.comparing(NodeState::id)).toList();
  }

  /** The node with {@code id}, if it ever connected. */
  public Optional<NodeState> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** Records a stream's first request: the node is connected; its ACK history is kept. */
  void connected(Node node) {
    nodes.compute(
        node.getId(),
        (id, old) ->
            new NodeState(
                id,
                node.getPod(),
                node.getNamespace(),
                node.getRole().name(),
                node.getWorkload(),
                true,
                old == null ? "" : old.lastAckedVersion(),
                old == null ? 0 : old.lastAckedGeneration(),
                old == null ? null : old.lastAckAt(),
                old == null ? -1 : old.lastPropagationMillis(),
                old == null ? null : old.lastNack(),
                clock.instant()));
  }

  /** Records that the node applied {@code version}, {@code propagation} after it was published. */
  void acked(String id, String version, long generation, Optional<Duration> propagation) {
    long millis = propagation.map(Duration::toMillis).orElse(-1L);
    nodes.computeIfPresent(id, (k, s) -> s.withAck(version, generation, clock.instant(), millis));
  }

  /** Records that the node rejected {@code version}; its last ACK is untouched. */
  void nacked(String id, String version, String nonce, ErrorDetail error) {
    NodeState.Nack nack =
        new NodeState.Nack(
            version,
            nonce,
            error.getMessage(),
            error.getResourcesList().stream()
                .map(r -> new NodeState.FailedResource(r.getKind(), r.getName(), r.getReason()))
                .toList(),
            clock.instant());
    nodes.computeIfPresent(id, (k, s) -> s.withNack(nack));
  }

  /** Records that the node's stream closed. */
  void disconnected(String id) {
    nodes.computeIfPresent(id, (k, s) -> s.withConnected(false, clock.instant()));
  }
}
