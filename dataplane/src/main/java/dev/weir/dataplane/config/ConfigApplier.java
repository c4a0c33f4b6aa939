package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.dataplane.health.HealthStates;
import dev.weir.dataplane.lb.InFlightRequests;
import dev.weir.dataplane.observe.ConfigMetrics;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.server.ClientConnections;
import dev.weir.dataplane.server.ListenerSet;
import dev.weir.dataplane.server.ProxyRuntime;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.dataplane.tls.ServerSslContexts;
import dev.weir.dataplane.tls.SessionTicketKeys;
import dev.weir.dataplane.upstream.ClusterLoads;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's {@link SnapshotApplier}: compiles a snapshot into a {@link RuntimeConfig} off
 * the event loop, binds any new listener ports, publishes the config with one {@link
 * AtomicReference} swap, then closes listener ports that disappeared and idle upstream connections
 * to endpoints that vanished, and makes the health checkers match the new clusters ({@link
 * HealthStates}). A failure at any step before the swap leaves the serving config and listeners as
 * they were.
 *
 * <p>{@link #apply} is serialised (one caller at a time, never an event-loop thread); {@link
 * #current()} and {@link #config()} may be called from any thread.
 */
public final class ConfigApplier implements SnapshotApplier {

  private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);

  private final AtomicReference<RuntimeConfig> config = new AtomicReference<>();
  private final RuntimeConfigCompiler compiler;
  private final ListenerSet listeners;
  private final UpstreamPools pools;
  private final SessionTicketKeys tickets;
  private final HealthStates health;
  private final ConfigMetrics metrics;

  /** Wired by {@link ProxyRuntime#start}; session ticket keys rotate hourly. */
  public ConfigApplier(
      ProxySettings settings,
      EventLoopGroup group,
      ProxyRuntime.Transport transport,
      UpstreamPools pools) {
    this(
        settings,
        group,
        transport,
        pools,
        Duration.ofHours(1),
        FilterPlugins.none(),
        Telemetry.create());
  }

  /**
   * @param ticketRotation how often the TLS session ticket key changes ({@link SessionTicketKeys})
   * @param plugins the filter plugins routes may name
   * @param telemetry where meters are registered, and the observing filters
   */
  public ConfigApplier(
      ProxySettings settings,
      EventLoopGroup group,
      ProxyRuntime.Transport transport,
      UpstreamPools pools,
      Duration ticketRotation,
      FilterPlugins plugins,
      Telemetry telemetry) {
    this.tickets = new SessionTicketKeys(ticketRotation);
    this.health = new HealthStates(group, transport.client(), telemetry.registry());
    this.metrics = new ConfigMetrics(telemetry.registry());
    this.compiler =
        new RuntimeConfigCompiler(
            settings, ServerSslContexts.provider(), tickets, health, pools.inFlight(), plugins);
    this.pools = pools;
    this.listeners = new ListenerSet(settings, group, transport, config::get, pools, telemetry);
  }

  @Override
  public synchronized void apply(ConfigSnapshot snapshot) throws SnapshotRejectedException {
    long start = System.nanoTime();
    try {
      publish(snapshot, start);
    } finally {
      metrics.applyTook(start);
    }
  }

  private void publish(ConfigSnapshot snapshot, long start) throws SnapshotRejectedException {
    RuntimeConfig previous = config.get();
    RuntimeConfig next = compiler.compile(snapshot, previous);
    Set<Integer> ports = next.listeners().keySet();
    List<ResourceError> bindErrors = listeners.openNew(next);
    if (!bindErrors.isEmpty()) {
      throw new SnapshotRejectedException(
          "snapshot " + snapshot.getVersion() + " rejected: " + bindErrors.get(0).getReason(),
          bindErrors);
    }
    config.set(next);
    listeners.closeRemoved(ports);
    pools.retainOnly(next.endpoints());
    health.activate(next.clusters().values().stream().map(UpstreamCluster::health).toList());
    pools.loads().retainOnly(next.clusters().keySet());
    metrics.applied(next.version(), next.generation());
    String millis = String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e6);
    log.info(
        "applied config {} generation {} in {} ms: {} listeners, {} clusters",
        next.version().substring(0, Math.min(12, next.version().length())),
        next.generation(),
        millis,
        next.listeners().size(),
        next.clusters().size());
  }

  @Override
  public Optional<ConfigSummary> current() {
    RuntimeConfig c = config.get();
    return c == null ? Optional.empty() : Optional.of(c.summary());
  }

  /** The serving config, or null before the first apply. */
  public RuntimeConfig config() {
    return config.get();
  }

  /** The ports with an open listener now. */
  public Set<Integer> boundPorts() {
    return listeners.boundPorts();
  }

  /** The client connections accepted on every listener, for a graceful drain. */
  public ClientConnections connections() {
    return listeners.connections();
  }

  /**
   * Stops accepting on every listener, and stops the health checkers; live connections finish on
   * their own.
   */
  public synchronized void closeListeners() {
    listeners.closeRemoved(Set.of());
    tickets.close();
    health.close();
  }

  /**
   * One line per endpoint of each cluster with a health check or outlier detection, {@code
   * "default/web:80 10.0.0.1:8080 healthy"}, sorted; for the admin dump.
   */
  public List<String> endpointHealth() {
    RuntimeConfig c = config.get();
    if (c == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (UpstreamCluster cluster : c.clusters().values()) {
      cluster.health().describe().forEach(line -> lines.add(cluster.name() + " " + line));
    }
    lines.sort(null);
    return lines;
  }

  /** Every endpoint's health state across snapshots; for tests. */
  public HealthStates health() {
    return health;
  }

  /** The requests in flight per endpoint; for tests and metrics. */
  public InFlightRequests<UpstreamEndpoint> inFlight() {
    return pools.inFlight();
  }

  /** The clusters' circuit-breaker counts; for tests and metrics. */
  public ClusterLoads clusterLoads() {
    return pools.loads();
  }

  /** The TLS session ticket keys; for tests. */
  public SessionTicketKeys ticketKeys() {
    return tickets;
  }
}
