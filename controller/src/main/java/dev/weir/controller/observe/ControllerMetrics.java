package dev.weir.controller.observe;

import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.BuildObserver;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.source.SourceEvents;
import dev.weir.controller.status.StatusWrites;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * The controller's metrics: one Prometheus meter registry per controller, with the JVM and process
 * meters bound, and the pieces the pipeline records into, each handed to its stage by {@code
 * ControllerMain}: {@link #events()} to the sources, {@link #builds()} to the loop, {@link
 * #statusWrites()} to the status writers. The node and propagation meters follow the {@link
 * NodeRegistry} by themselves, and {@code weir_controller_leader} reads {@link Leadership}. There
 * is no global registry. The admin port serves {@link #scrape()} at {@code /metrics}.
 *
 * <p>Lifecycle: {@link #create} once, {@link #close()} once. Thread-safe.
 */
public final class ControllerMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final SourceEvents events;
  private final BuildMetrics builds;
  private final StatusWrites statusWrites;
  private final Propagation propagation;

  private ControllerMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc, NodeRegistry nodes) {
    this.registry = registry;
    this.gc = gc;
    CounterFamily eventCounters =
        new CounterFamily(
            registry,
            "weir.controller.events",
            "Object events the controller's sources received, by kind and type",
            "kind",
            "type");
    // kind is bounded by the kinds the sources watch.
    this.events =
        (kind, type) ->
            eventCounters.increment(
                kind == null || kind.isEmpty() ? "unknown" : kind, type.label());
    this.propagation = new Propagation(registry, nodes);
    this.builds = new BuildMetrics(registry, propagation);
    CounterFamily writeCounters =
        new CounterFamily(
            registry,
            "weir.controller.status.writes",
            "Status writes to the API server, by kind and result (ok, conflict, error)",
            "kind",
            "result");
    this.statusWrites = (kind, result) -> writeCounters.increment(kind, result.label());
    new NodeMetrics(registry, nodes, propagation);
  }

  /**
   * A registry with the process meters bound (JVM memory, GC, threads, classes, CPU, uptime, file
   * descriptors) and every controller meter registered.
   *
   * @param nodes the data-plane nodes, followed for the node and propagation meters
   * @param leadership read for {@code weir_controller_leader} (1 while this replica leads)
   */
  public static ControllerMetrics create(NodeRegistry nodes, Leadership leadership) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("weir.controller.leader", leadership, l -> l.isLeader() ? 1 : 0)
        .description("1 while this replica is the leader, else 0")
        .strongReference(true)
        .register(registry);
    return new ControllerMetrics(registry, gc, nodes);
  }

  /** Where every meter of the controller is registered. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts the sources' object events. */
  public SourceEvents events() {
    return events;
  }

  /** Records the loop's builds. */
  public BuildObserver builds() {
    return builds;
  }

  /** Counts the status writers' writes. */
  public StatusWrites statusWrites() {
    return statusWrites;
  }

  /** The last version that reached every connected node, and how long it took. */
  public Optional<Propagation.Complete> lastPropagation() {
    return propagation.last();
  }

  /** Every meter now, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** Unhooks the GC listeners and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
