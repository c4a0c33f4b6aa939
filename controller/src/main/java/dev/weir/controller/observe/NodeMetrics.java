package dev.weir.controller.observe;

import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.push.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The data-plane nodes as meters, from the {@link NodeRegistry}:
 *
 * <ul>
 *   <li>{@code weir_controller_nodes{state}}: nodes that are acked (hold their target's current
 *       version), behind, nacked (rejected it) or disconnected;
 *   <li>{@code weir_controller_node_acked_generation{node}} and {@code
 *       weir_controller_node_lag_seconds{node}} (0 when the node holds the current version, else
 *       seconds since it was published), for connected nodes only: a node's meters go when its
 *       stream closes, so pod churn does not grow the label set;
 *   <li>{@code weir_controller_nacks_total{reason}}, {@code reason} a bounded {@link NackReason}.
 * </ul>
 *
 * <p>Threading: {@link #nodeChanged} runs on gRPC threads and only updates concurrent maps; gauges
 * are read on the scraping thread.
 */
final class NodeMetrics implements NodeRegistry.Listener {

  private final MeterRegistry registry;
  private final NodeRegistry nodes;
  private final Propagation propagation;
  private final ConcurrentMap<String, List<Meter>> perNode = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, NodeState.Nack> countedNacks = new ConcurrentHashMap<>();
  private final CounterFamily nacks;

  NodeMetrics(MeterRegistry registry, NodeRegistry nodes, Propagation propagation) {
    this.registry = registry;
    this.nodes = nodes;
    this.propagation = propagation;
    this.nacks =
        new CounterFamily(
            registry,
            "weir.controller.nacks",
            "Snapshots the data-plane nodes rejected, by reason category",
            "reason");
    for (Propagation.NodeStatus s : Propagation.NodeStatus.values()) {
      Gauge.builder("weir.controller.nodes", () -> count(s))
          .description("Data-plane nodes by where they stand against the current version")
          .tag("state", s.label())
          .register(registry);
    }
    nodes.addListener(this);
  }

  @Override
  public void nodeChanged(NodeState node) {
    NodeState.Nack nack = node.lastNack();
    if (nack != null && countedNacks.put(node.id(), nack) != nack) {
      nacks.increment(NackReason.of(nack));
    }
    // The registry's state now, not the event's: events of one node may arrive out of order.
    perNode.compute(
        node.id(),
        (id, meters) -> {
          boolean connected = nodes.node(id).map(NodeState::connected).orElse(false);
          if (connected) {
            return meters != null ? meters : register(id);
          }
          if (meters != null) {
            meters.forEach(registry::remove);
          }
          return null;
        });
  }

  private long count(Propagation.NodeStatus status) {
    return nodes.nodes().stream().filter(n -> propagation.status(n) == status).count();
  }

  private List<Meter> register(String id) {
    Gauge generation =
        Gauge.builder(
                "weir.controller.node.acked.generation",
                () -> nodes.node(id).map(NodeState::lastAckedGeneration).orElse(0L))
            .description("The generation the node last ACKed")
            .tag("node", id)
            .register(registry);
    Gauge lag =
        Gauge.builder(
                "weir.controller.node.lag",
                () -> nodes.node(id).map(propagation::lagSeconds).orElse(0.0))
            .description(
                "0 when the node holds the current version, else seconds since it was pushed")
            .baseUnit("seconds")
            .tag("node", id)
            .register(registry);
    return List.of(generation, lag);
  }
}
