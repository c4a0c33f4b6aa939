package dev.weir.dataplane.health;

import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every endpoint's health across snapshot swaps, as {@code UpstreamPools} is for connections: one
 * {@link EndpointHealth} per (cluster, endpoint) and one {@link HealthChecker} per checked one.
 *
 * <p>Two steps per snapshot. {@link #prepare} builds a cluster's {@link ClusterHealth} while the
 * snapshot compiles, reusing the state of each endpoint still present and making new (healthy)
 * state for new ones, and changes nothing: a rejected snapshot leaves no trace. {@link #activate},
 * once the snapshot is published, makes the checkers match it: a removed endpoint's checker stops,
 * a new endpoint's starts, and a changed check (settings or protocol) restarts, on the same event
 * loop; a removed check also clears the endpoint's active verdict, which nothing would clear
 * otherwise. State is keyed by the endpoint with its TLS setting, as pools are.
 *
 * <p>Called by one thread at a time (the config applier's, never an event loop); the checkers run
 * on the proxy's event loops.
 */
public final class HealthStates implements AutoCloseable {

  /** One endpoint of one cluster. */
  private record Key(String cluster, UpstreamEndpoint endpoint) {}

  private final EventLoopGroup group;
  private final ProbeRunner runner;
  private final LongSupplier nanoClock;
  private Map<Key, EndpointHealth> states = Map.of();
  private final Map<Key, HealthChecker> checkers = new HashMap<>();
  private final HealthGauges gauges;

  /**
   * @param group the proxy's event loops, which run the checks
   * @param channelClass the socket channel class of {@code group}
   */
  public HealthStates(EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
    this(group, channelClass, (MeterRegistry) null);
  }

  /**
   * As {@link #HealthStates(EventLoopGroup, Class)}, with {@code weir_endpoint_healthy} gauges.
   *
   * @param registry where the endpoints' health gauges go ({@link HealthGauges}), or null for none
   */
  public HealthStates(
      EventLoopGroup group, Class<? extends SocketChannel> channelClass, MeterRegistry registry) {
    this(group, channelClass, System::nanoTime, registry);
  }

  HealthStates(
      EventLoopGroup group, Class<? extends SocketChannel> channelClass, LongSupplier nanoClock) {
    this(group, channelClass, nanoClock, null);
  }

  private HealthStates(
      EventLoopGroup group,
      Class<? extends SocketChannel> channelClass,
      LongSupplier nanoClock,
      MeterRegistry registry) {
    this.group = group;
    this.runner = new ProbeRunner(channelClass);
    this.nanoClock = nanoClock;
    this.gauges = registry == null ? null : new HealthGauges(registry, nanoClock);
  }

  /**
   * The health of {@code cluster} for a snapshot being compiled; changes nothing until {@link
   * #activate}.
   *
   * @param check the active check, or null
   * @param outlier outlier detection, or null
   * @param h2 whether the cluster speaks HTTP/2 (an HTTP check follows it)
   * @return {@link ClusterHealth#none()} when both are null
   */
  public ClusterHealth prepare(
      String cluster,
      List<UpstreamEndpoint> endpoints,
      HealthCheckSettings check,
      OutlierSettings outlier,
      boolean h2) {
    if (check == null && outlier == null) {
      return ClusterHealth.none();
    }
    Map<UpstreamEndpoint, EndpointHealth> m = new HashMap<>();
    for (UpstreamEndpoint e : endpoints) {
      EndpointHealth h = states.get(new Key(cluster, e));
      m.put(e, h != null ? h : new EndpointHealth());
    }
    return new ClusterHealth(cluster, m, check, outlier, h2, nanoClock);
  }

  /**
   * Makes the checkers match the published snapshot's clusters.
   *
   * @param clusters each cluster's health, from {@link #prepare}
   */
  public void activate(Collection<ClusterHealth> clusters) {
    Map<Key, EndpointHealth> next = new HashMap<>();
    Map<Key, HealthChecker> keep = new HashMap<>();
    for (ClusterHealth cluster : clusters) {
      cluster
          .endpoints()
          .forEach(
              (endpoint, health) -> {
                Key key = new Key(cluster.cluster(), endpoint);
                next.put(key, health);
                if (cluster.check() != null) {
                  keep.put(key, checker(key, health, cluster.check(), cluster.h2()));
                }
              });
    }
    checkers.forEach(
        (key, old) -> {
          if (keep.get(key) != old) {
            // Stopped or replaced; with no replacement, its verdict must not outlive it.
            old.stop(!keep.containsKey(key));
          }
        });
    keep.forEach(
        (key, c) -> {
          if (checkers.get(key) != c) {
            c.start();
          }
        });
    checkers.clear();
    checkers.putAll(keep);
    states = Map.copyOf(next);
    if (gauges != null) {
      gauges.sync(clusters);
    }
  }

  /** The running checker for {@code key} when it still fits, else a new one (not started). */
  private HealthChecker checker(
      Key key, EndpointHealth health, HealthCheckSettings settings, boolean h2) {
    HealthChecker running = checkers.get(key);
    if (running != null
        && running.health() == health
        && running.settings().equals(settings)
        && running.h2() == h2) {
      return running;
    }
    return new HealthChecker(
        running != null ? running.loop() : group.next(),
        key.cluster(),
        key.endpoint(),
        health,
        settings,
        h2,
        runner);
  }

  /** How many endpoints are being checked now; for tests. */
  public int checkerCount() {
    return checkers.size();
  }

  /** Stops every checker. */
  @Override
  public void close() {
    checkers.values().forEach(c -> c.stop(false));
    checkers.clear();
  }
}
