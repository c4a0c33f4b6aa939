package dev.weir.dataplane.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandler;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The upstream pool meters of one cluster ({@code backend} = the cluster's name), kept by its
 * {@link ClusterLoad} so the request path holds them without a lookup:
 *
 * <ul>
 *   <li>{@code weir_upstream_connections_open{backend}}: connections counted against the cluster;
 *   <li>{@code weir_upstream_connections_idle{backend}}: of those, HTTP/1.1 ones parked in a pool
 *       (an HTTP/2 connection is shared by streams and never parked);
 *   <li>{@code weir_upstream_connections_opened_total{backend}}: connections made usable
 *       (connected, and for TLS handshaken). Not {@code _created_total}: the Prometheus client
 *       reserves the {@code _created} suffix (OpenMetrics creation times) and strips it;
 *   <li>{@code weir_upstream_requests_total{backend}}: attempts sent, so that {@code 1 -
 *       opened/requests} is the reuse ratio;
 *   <li>{@code weir_upstream_connect_errors_total{backend,reason}}: {@code reason} = {@code
 *       refused} | {@code timeout} | {@code tls} | {@code other}.
 * </ul>
 *
 * <p>{@link #remove} takes the meters out of the registry when a snapshot drops the cluster; the
 * exchanges still running may count on, unseen. Thread-safe.
 */
public final class ClusterMeters {

  // Before NONE, which the constructor needs them for.
  private static final String[] REASONS = {"refused", "timeout", "tls", "other"};

  /** Meters that count nowhere, for loads made without a registry (tests). */
  static final ClusterMeters NONE = new ClusterMeters(new CompositeMeterRegistry(), "");

  private final MeterRegistry registry;
  private final String backend;
  private final Counter created;
  private final Counter requests;
  private final Counter[] connectErrors = new Counter[REASONS.length];
  private final List<Meter> meters = new ArrayList<>();

  ClusterMeters(MeterRegistry registry, String backend) {
    this.registry = registry;
    this.backend = backend;
    this.created =
        keep(
            Counter.builder("weir.upstream.connections.opened")
                .description("Upstream connections made usable (connected, TLS handshaken)")
                .tag("backend", backend)
                .register(registry));
    this.requests =
        keep(
            Counter.builder("weir.upstream.requests")
                .description("Upstream attempts sent; 1 - opened/requests is the reuse ratio")
                .tag("backend", backend)
                .register(registry));
    for (int i = 0; i < REASONS.length; i++) {
      connectErrors[i] =
          keep(
              Counter.builder("weir.upstream.connect.errors")
                  .description("Upstream connections that could not be made, by reason")
                  .tag("backend", backend)
                  .tag("reason", REASONS[i])
                  .register(registry));
    }
  }

  /** Registers the open and idle gauges of {@code load}; once, by {@link ClusterLoads}. */
  void bindGauges(ClusterLoad load) {
    keep(
        Gauge.builder("weir.upstream.connections.open", load, ClusterLoad::connections)
            .description("Upstream connections open now")
            .tag("backend", backend)
            .register(registry));
    keep(
        Gauge.builder("weir.upstream.connections.idle", load, ClusterLoad::idleConnections)
            .description("Upstream HTTP/1.1 connections idle in a pool now")
            .tag("backend", backend)
            .register(registry));
  }

  /** One attempt went to an upstream connection. */
  public void attemptSent() {
    requests.increment();
  }

  /**
   * Counts the outcome of a new connection: created once connected (and, for TLS, handshaken), else
   * a connect error by reason. Called on the connection's event loop.
   */
  void track(ChannelFuture connect) {
    connect.addListener(
        c -> {
          if (!c.isSuccess()) {
            connectErrors[reason(c.cause())].increment();
            return;
          }
          SslHandler ssl = connect.channel().pipeline().get(SslHandler.class);
          if (ssl == null) {
            created.increment();
            return;
          }
          ssl.handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      created.increment();
                    } else {
                      connectErrors[2].increment();
                    }
                  });
        });
  }

  /** The index in {@link #REASONS} of a connect failure. */
  private static int reason(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return 1;
    }
    if (cause instanceof ConnectException
        && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("refused")) {
      return 0;
    }
    return 3;
  }

  /** Takes every meter of the cluster out of the registry. */
  void remove() {
    synchronized (meters) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  private <M extends Meter> M keep(M meter) {
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }
}
