package dev.weir.dataplane.upstream;

import dev.weir.dataplane.lb.InFlightRequests;
import dev.weir.dataplane.server.ProxySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link UpstreamPool} per event loop of the proxy's group, created up front. The map is
 * immutable after construction, so any thread may look a pool up; each pool is then used only on
 * its own loop. The pools share one {@link InFlightRequests}, the proxy-wide count of requests in
 * flight per endpoint, and the data plane's {@link ClusterLoads} (both thread-safe).
 */
public final class UpstreamPools {

  private final Map<EventExecutor, UpstreamPool> pools;
  private final InFlightRequests<UpstreamEndpoint> inFlight = new InFlightRequests<>();
  private final ClusterLoads loads;

  /** Pools whose clusters' meters count nowhere. */
  public UpstreamPools(
      EventLoopGroup group, Class<? extends SocketChannel> channelClass, ProxySettings settings) {
    this(group, channelClass, settings, null);
  }

  /**
   * @param registry where each cluster's pool meters ({@link ClusterMeters}) go, or null for none
   */
  public UpstreamPools(
      EventLoopGroup group,
      Class<? extends SocketChannel> channelClass,
      ProxySettings settings,
      MeterRegistry registry) {
    this.loads = new ClusterLoads(registry);
    Map<EventExecutor, UpstreamPool> m = new HashMap<>();
    for (EventExecutor executor : group) {
      m.put(
          executor,
          new UpstreamPool(
              (EventLoop) executor,
              channelClass,
              settings.upstreamIdleTimeout().toMillis(),
              settings.maxIdlePerEndpoint(),
              this));
    }
    this.pools = Map.copyOf(m);
  }

  /** The pool of {@code loop}. */
  public UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pools.get(loop);
    if (p == null) {
      throw new IllegalArgumentException("not a loop of this proxy: " + loop);
    }
    return p;
  }

  /** The requests in flight per endpoint, from every loop. */
  public InFlightRequests<UpstreamEndpoint> inFlight() {
    return inFlight;
  }

  /** The clusters' circuit-breaker counts, for the whole data plane. */
  public ClusterLoads loads() {
    return loads;
  }

  /** Closes one idle connection counted against {@code load}, on whichever loop has one. */
  void evictIdle(ClusterLoad load) {
    AtomicBoolean claimed = new AtomicBoolean();
    for (UpstreamPool p : pools.values()) {
      p.loop().execute(() -> p.evictOneIdle(load, claimed));
    }
  }

  /**
   * Closes, on each loop, the idle connections to endpoints that are no longer configured, and
   * forgets their in-flight counts.
   */
  public void retainOnly(Set<UpstreamEndpoint> endpoints) {
    inFlight.retainOnly(endpoints);
    for (UpstreamPool p : pools.values()) {
      p.loop().execute(() -> p.retainOnly(endpoints));
    }
  }
}
