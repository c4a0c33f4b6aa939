package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ConfigApplier;
import dev.weir.dataplane.config.SnapshotApplier;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: its event loops, upstream pools and the applier that opens listeners as
 * snapshots arrive. Listeners are opened by {@link SnapshotApplier#apply}, not by {@link #start}.
 *
 * <p>Lifecycle: {@link #start} → any number of applies → optionally {@link #drain} → {@link
 * #close}, which stops accepting, closes every client connection still open, and stops the event
 * loops. Thread-safe.
 */
public final class ProxyRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);

  private final EventLoopGroup group;
  private final Transport transport;
  private final ConfigApplier applier;
  private final Telemetry telemetry;
  // The telemetry this runtime made itself and closes; null when the caller passed its own.
  private Telemetry ownTelemetry;

  private ProxyRuntime(
      EventLoopGroup group, Transport transport, ConfigApplier applier, Telemetry telemetry) {
    this.telemetry = telemetry;
    this.group = group;
    this.transport = transport;
    this.applier = applier;
  }

  /**
   * Creates the event loops (epoll when available, else NIO) and an applier with no listeners.
   *
   * @param settings fixed for the life of the runtime
   */
  public static ProxyRuntime start(ProxySettings settings) {
    return start(settings, java.time.Duration.ofHours(1));
  }

  /**
   * As {@link #start(ProxySettings)}, with the TLS session ticket key rotation period.
   *
   * @param ticketRotation how often a new ticket key is made ({@code --tls-ticket-rotation})
   */
  public static ProxyRuntime start(ProxySettings settings, java.time.Duration ticketRotation) {
    return start(settings, ticketRotation, FilterPlugins.none());
  }

  /**
   * As {@link #start(ProxySettings, java.time.Duration)}, with the filter plugins routes may use.
   *
   * @param plugins loaded once at start-up ({@code --plugin-dir})
   */
  public static ProxyRuntime start(
      ProxySettings settings, java.time.Duration ticketRotation, FilterPlugins plugins) {
    ProxyRuntime runtime = start(settings, ticketRotation, plugins, Telemetry.create());
    runtime.ownTelemetry = runtime.telemetry;
    return runtime;
  }

  /**
   * As {@link #start(ProxySettings, java.time.Duration, FilterPlugins)}, with the telemetry hub the
   * proxy's meters and observing filters come from; the caller closes it after this runtime.
   */
  public static ProxyRuntime start(
      ProxySettings settings,
      java.time.Duration ticketRotation,
      FilterPlugins plugins,
      Telemetry telemetry) {
    Transport transport = Transport.select(System.getProperty(Transport.PROPERTY, "auto"));
    int threads =
        settings.ioThreads() == 0
            ? Runtime.getRuntime().availableProcessors()
            : settings.ioThreads();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("weir-io", true), transport.ioHandlers());
    UpstreamPools pools =
        new UpstreamPools(group, transport.client(), settings, telemetry.registry());
    ConfigApplier applier =
        new ConfigApplier(settings, group, transport, pools, ticketRotation, plugins, telemetry);
    log.info("proxy started: {} io threads, transport {}", threads, transport.name());
    return new ProxyRuntime(group, transport, applier, telemetry);
  }

  /** Where snapshots go; the config client calls it. */
  public SnapshotApplier applier() {
    return applier;
  }

  /** The concrete applier, for tests and the admin server (bound listener ports). */
  public ConfigApplier configApplier() {
    return applier;
  }

  /** The meters and observing filters of this proxy. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** The socket transport in use. */
  public Transport transport() {
    return transport;
  }

  /** Whether {@link #drain} has begun: readiness fails from then on. */
  public boolean draining() {
    return applier.connections().draining();
  }

  /** Client connections open now. */
  public int openConnections() {
    return applier.connections().size();
  }

  /**
   * Graceful drain, in order: stop accepting new connections; mark the proxy as draining (so
   * readiness fails); send GOAWAY on HTTP/2 connections and {@code Connection: close} on the next
   * HTTP/1.x response, closing idle connections at once; wait for in-flight exchanges to finish, at
   * most {@code period}. Blocks the calling thread, which must not be an event loop; call {@link
   * #close} afterwards.
   *
   * @return whether every client connection closed within {@code period}
   */
  public boolean drain(Duration period) {
    long start = System.nanoTime();
    applier.closeListeners();
    ClientConnections connections = applier.connections();
    log.info("draining {} client connections for up to {}", connections.size(), period);
    connections.startDrain();
    boolean clean = connections.awaitClosed(period);
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    if (clean) {
      log.info("drained in {} ms", millis);
    } else {
      log.warn(
          "drain period {} ended with {} client connections open; closing them",
          period,
          connections.size());
    }
    return clean;
  }

  @Override
  public void close() {
    applier.closeListeners();
    applier.connections().closeAll();
    group.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    if (ownTelemetry != null) {
      ownTelemetry.close();
    }
  }

  /**
   * The socket transport: event loops and the channel classes that match them.
   *
   * @param name {@code io_uring}, {@code epoll} or {@code nio}
   * @param ioHandlers what the event loops are made with
   * @param server the listener channel class
   * @param client the upstream channel class
   */
  public record Transport(
      String name,
      IoHandlerFactory ioHandlers,
      Class<? extends ServerChannel> server,
      Class<? extends SocketChannel> client) {

    /** The system property that picks a transport; {@code auto} (the default) takes the best. */
    public static final String PROPERTY = "weir.transport";

    /**
     * The transport called {@code wanted}; {@code auto} is io_uring where the kernel allows it
     * (about 13% less CPU per proxied HTTP/1.1 request than epoll here: fewer system calls, one
     * {@code io_uring_enter} per loop turn), else epoll, else NIO. Container runtimes' default
     * seccomp profiles and some kernels forbid io_uring; {@code auto} then takes epoll.
     *
     * @throws IllegalArgumentException if {@code wanted} names no transport
     * @throws IllegalStateException if the one named cannot run here, with the reason
     */
    public static Transport select(String wanted) {
      return switch (wanted) {
        case "auto" -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
        case "io_uring" -> {
          IoUring.ensureAvailability();
          yield ioUring();
        }
        case "epoll" -> {
          Epoll.ensureAvailability();
          yield epoll();
        }
        case "nio" -> nio();
        default ->
            throw new IllegalArgumentException(
                "-D" + PROPERTY + "=" + wanted + ": not auto, io_uring, epoll or nio");
      };
    }

    private static Transport ioUring() {
      return new Transport(
          "io_uring",
          IoUringIoHandler.newFactory(),
          IoUringServerSocketChannel.class,
          IoUringSocketChannel.class);
    }

    private static Transport epoll() {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }

    private static Transport nio() {
      return new Transport(
          "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
  }
}
