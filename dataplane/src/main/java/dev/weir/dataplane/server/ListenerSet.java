package dev.weir.dataplane.server;

import dev.weir.api.config.v1.ResourceError;
import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.observe.ConnectionMetrics;
import dev.weir.dataplane.observe.FilterMetrics;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.observe.TlsMetrics;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open listener sockets, keyed by port. A port stays open across snapshots as long as some
 * listener uses it: each new connection looks up its port in the config current when it is
 * accepted, so a changed protocol, route table or certificate applies to new connections while live
 * ones carry on with what they started with (a protocol change thus behaves as close + open,
 * without a window where the port refuses connections).
 *
 * <p>{@link #openNew} and {@link #closeRemoved} are called by the applier's thread only (they block
 * on bind and must not run on an event loop); {@link #boundPorts} from any thread.
 */
public final class ListenerSet {

  private static final Logger log = LoggerFactory.getLogger(ListenerSet.class);

  private final ProxySettings settings;
  private final EventLoopGroup group;
  private final ProxyRuntime.Transport transport;
  private final Supplier<RuntimeConfig> config;
  private final UpstreamPools pools;
  private final FilterChain filters;
  private final Map<Integer, Channel> bound = new ConcurrentHashMap<>();
  private final ClientConnections connections;
  private final ConnectionMetrics connectionMetrics;
  private final TlsMetrics tlsMetrics;

  public ListenerSet(
      ProxySettings settings,
      EventLoopGroup group,
      ProxyRuntime.Transport transport,
      Supplier<RuntimeConfig> config,
      UpstreamPools pools,
      Telemetry telemetry) {
    this.filters =
        FilterChain.builtIn(telemetry.observers(), new FilterMetrics(telemetry.registry()));
    this.settings = settings;
    this.group = group;
    this.transport = transport;
    this.config = config;
    this.pools = pools;
    this.connections = new ClientConnections(settings.http1().maxConnections());
    this.connectionMetrics = new ConnectionMetrics(telemetry.registry());
    this.tlsMetrics = new TlsMetrics(telemetry.registry());
  }

  /**
   * Binds every port of {@code next} that is not open yet. All or nothing: when one bind fails, the
   * ports bound by this call are closed again.
   *
   * @return one error per port that could not be bound; empty on success
   */
  public List<ResourceError> openNew(RuntimeConfig next) {
    List<ResourceError> errors = new ArrayList<>();
    List<Integer> opened = new ArrayList<>();
    for (ListenerRuntime l : next.listeners().values()) {
      if (bound.containsKey(l.port())) {
        continue;
      }
      ChannelFuture f =
          new ServerBootstrap()
              .group(group)
              .channel(transport.server())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ProxyInitializer(
                      l.port(),
                      config,
                      settings,
                      pools,
                      filters,
                      connections,
                      connectionMetrics,
                      tlsMetrics))
              .bind(new InetSocketAddress(settings.bindAddress(), l.port()))
              .awaitUninterruptibly();
      if (f.isSuccess()) {
        bound.put(l.port(), f.channel());
        opened.add(l.port());
      } else {
        errors.add(
            ResourceError.newBuilder()
                .setKind("listener")
                .setName(l.name())
                .setReason("cannot bind port " + l.port() + ": " + f.cause().getMessage())
                .build());
      }
    }
    if (!errors.isEmpty()) {
      for (Integer port : opened) {
        bound.remove(port).close().awaitUninterruptibly();
      }
    } else if (!opened.isEmpty()) {
      log.info("opened listener ports {}", opened);
    }
    return errors;
  }

  /**
   * Stops accepting on every open port not in {@code keep}. Connections already accepted on those
   * ports are left to finish.
   */
  public void closeRemoved(Set<Integer> keep) {
    for (Integer port : List.copyOf(bound.keySet())) {
      if (!keep.contains(port)) {
        bound.remove(port).close().awaitUninterruptibly();
        log.info("closed listener port {}", port);
      }
    }
  }

  /** The client connections accepted on every port, for a graceful drain. */
  public ClientConnections connections() {
    return connections;
  }

  /** Ports with an open listener socket now. */
  public Set<Integer> boundPorts() {
    return Set.copyOf(bound.keySet());
  }
}
