package dev.weir.dataplane.health;

import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one endpoint of one cluster, again and again, on one of the proxy's event loops: the first
 * check after a random part of the interval (so that a snapshot with many endpoints does not check
 * them all at once), each next one an interval after the previous one ended, each result fed to the
 * endpoint's {@link EndpointHealth}. A transition is logged once, with the last reason.
 *
 * <p>Lifecycle: {@link #start} → {@link #stop}; a stopped checker never records again, and a
 * replacement for the same endpoint runs on the same loop, after this one's stop.
 *
 * <p>Accessed only from its event loop, apart from {@link #start} and {@link #stop}, which hand
 * their work to it.
 */
final class HealthChecker {

  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final EventLoop loop;
  private final String cluster;
  private final UpstreamEndpoint endpoint;
  private final EndpointHealth health;
  private final HealthCheckSettings settings;
  private final boolean h2;
  private final HealthProbe probe;
  private final ProbeRunner runner;
  private Future<?> next;
  private boolean stopped;

  HealthChecker(
      EventLoop loop,
      String cluster,
      UpstreamEndpoint endpoint,
      EndpointHealth health,
      HealthCheckSettings settings,
      boolean h2,
      ProbeRunner runner) {
    this.loop = loop;
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.health = health;
    this.settings = settings;
    this.h2 = h2;
    this.probe = HealthProbes.of(settings.probe(), h2);
    this.runner = runner;
  }

  EventLoop loop() {
    return loop;
  }

  EndpointHealth health() {
    return health;
  }

  HealthCheckSettings settings() {
    return settings;
  }

  /** Whether the cluster speaks HTTP/2, which decides the HTTP check's protocol. */
  boolean h2() {
    return h2;
  }

  /** Starts checking, with fresh counters and the endpoint's verdict as it stands. */
  void start() {
    submit(
        () -> {
          health.resetActive(false);
          schedule(ThreadLocalRandom.current().nextLong(settings.intervalMillis()));
        });
  }

  /**
   * Stops checking; a check in flight ends by its own timeout and is ignored.
   *
   * @param clearVerdict whether the endpoint's active verdict goes too (no check replaces this one)
   */
  void stop(boolean clearVerdict) {
    submit(
        () -> {
          stopped = true;
          if (next != null) {
            next.cancel(false);
          }
          if (clearVerdict) {
            health.resetActive(true);
          }
        });
  }

  private void submit(Runnable task) {
    if (!loop.isShuttingDown()) {
      loop.execute(task);
    }
  }

  private void schedule(long delayMillis) {
    if (!stopped && !loop.isShuttingDown()) {
      next = loop.schedule(this::check, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void check() {
    if (stopped) {
      return;
    }
    runner
        .check(loop, endpoint, probe, settings.timeoutMillis())
        .addListener(
            f -> {
              if (stopped) {
                return;
              }
              if (health.recordCheck(f.isSuccess(), settings)) {
                if (f.isSuccess()) {
                  log.info("cluster {}: endpoint {} is healthy again", cluster, endpoint);
                } else {
                  log.warn(
                      "cluster {}: endpoint {} is unhealthy after {} failed checks: {}",
                      cluster,
                      endpoint,
                      settings.unhealthyThreshold(),
                      f.cause().toString());
                }
              }
              schedule(settings.intervalMillis());
            });
  }
}
