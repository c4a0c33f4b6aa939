package dev.weir.dataplane.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of the proxy, counted once a connection's protocol is known:
 *
 * <ul>
 *   <li>{@code weir_downstream_connections_active{protocol}} and {@code
 *       weir_downstream_connections_total{protocol}}, {@code protocol} = {@code http1} | {@code
 *       http2} (TLS or not is the listener's business);
 *   <li>{@code weir_downstream_streams_active}: HTTP/2 streams open now, across connections.
 * </ul>
 *
 * <p>One per proxy runtime (its listener set). Thread-safe: atomics raised on the connections'
 * event loops, lowered by their close futures.
 */
public final class ConnectionMetrics {

  /** The protocol a client connection speaks, a bounded label. */
  public enum Protocol {
    HTTP1("http1"),
    HTTP2("http2");

    private final String label;

    Protocol(String label) {
      this.label = label;
    }
  }

  private final AtomicInteger[] active = new AtomicInteger[Protocol.values().length];
  private final Counter[] accepted = new Counter[Protocol.values().length];
  private final AtomicInteger streams = new AtomicInteger();
  private final ChannelFutureListener streamClosed = f -> streams.decrementAndGet();

  public ConnectionMetrics(MeterRegistry registry) {
    for (Protocol p : Protocol.values()) {
      AtomicInteger count = new AtomicInteger();
      active[p.ordinal()] = count;
      Gauge.builder("weir.downstream.connections.active", count, AtomicInteger::get)
          .description("Client connections open now, by protocol")
          .tag("protocol", p.label)
          .register(registry);
      accepted[p.ordinal()] =
          Counter.builder("weir.downstream.connections")
              .description("Client connections accepted, by protocol")
              .tag("protocol", p.label)
              .register(registry);
    }
    Gauge.builder("weir.downstream.streams.active", streams, AtomicInteger::get)
        .description("HTTP/2 streams open now, across client connections")
        .register(registry);
  }

  /** Counts {@code ch} as a {@code protocol} connection until it closes. */
  public void opened(Protocol protocol, Channel ch) {
    AtomicInteger count = active[protocol.ordinal()];
    count.incrementAndGet();
    accepted[protocol.ordinal()].increment();
    ch.closeFuture().addListener(f -> count.decrementAndGet());
  }

  /** Counts the HTTP/2 stream {@code stream} until it closes. */
  public void streamOpened(Channel stream) {
    streams.incrementAndGet();
    stream.closeFuture().addListener(streamClosed);
  }
}
