package dev.weir.controller.push;

import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-node state of every data-plane node that ever connected: identity, connection, last ACK and
 * last NACK. Read by the admin port and status; written by {@link ConfigDiscoveryService}. Every
 * change is reported to the {@link Listener}s (status writing reacts to ACKs and NACKs).
 *
 * <p>Thread-safe: each update replaces one node's immutable {@link NodeState} atomically. Listeners
 * are called on the updating thread (a gRPC thread) and must not block.
 */
public final class NodeRegistry {

  private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

  /** Told about every node change; called on the updating thread, so it must only hand off. */
  @FunctionalInterface
  public interface Listener {
    /** {@code node} is the node's new state (connected, ACKed, NACKed or disconnected). */
    void nodeChanged(NodeState node);
  }

  /** Adds {@code listener} for every later change. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void changed(NodeState node) {
    if (node == null) {
      return;
    }
    for (Listener l : listeners) {
      try {
        l.nodeChanged(node);
      } catch (RuntimeException e) {
        log.error("node listener failed", e);
      }
    }
  }

  private final ConcurrentMap<String, NodeState> nodes = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
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

  /** The Gateways ("namespace/name") that connected nodes are dedicated to. */
  public Set<String> servedGateways() {
    Set<String> gateways = new HashSet<>();
    for (NodeState n : nodes.values()) {
      if (n.connected() && !n.gateway().isEmpty()) {
        gateways.add(n.gateway());
      }
    }
    return gateways;
  }

  /** The node with {@code id}, if it ever connected. */
  public Optional<NodeState> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** Records a stream's first request: the node is connected; its ACK history is kept. */
  void connected(Node node) {
    NodeState now =
        nodes.compute(
            node.getId(),
            (id, old) ->
                new NodeState(
                    id,
                    node.getPod(),
                    node.getNamespace(),
                    node.getRole().name(),
                    node.getWorkload(),
                    node.getGateway(),
                    true,
                    old == null ? "" : old.lastAckedVersion(),
                    old == null ? 0 : old.lastAckedGeneration(),
                    old == null ? null : old.lastAckAt(),
                    old == null ? -1 : old.lastPropagationMillis(),
                    old == null ? null : old.lastNack(),
                    clock.instant()));
    changed(now);
  }

  /** Records that the node applied {@code version}, {@code propagation} after it was published. */
  void acked(String id, String version, long generation, Optional<Duration> propagation) {
    long millis = propagation.map(Duration::toMillis).orElse(-1L);
    changed(
        nodes.computeIfPresent(
            id, (k, s) -> s.withAck(version, generation, clock.instant(), millis)));
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
    changed(nodes.computeIfPresent(id, (k, s) -> s.withNack(nack)));
  }

  /** Records that the node's stream closed. */
  void disconnected(String id) {
    changed(nodes.computeIfPresent(id, (k, s) -> s.withConnected(false, clock.instant())));
  }
}
