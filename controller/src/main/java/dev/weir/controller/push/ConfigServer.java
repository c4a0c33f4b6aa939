package dev.weir.controller.push;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server (grpc-netty) that serves {@link ConfigDiscoveryService}.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once; port 0 binds an ephemeral port,
 * reported by {@link #port()}. Thread-safe.
 */
public final class ConfigServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigServer.class);

  private final Server server;
  private final InetSocketAddress requested;

  /**
   * @param address the address to bind (port 0 for any free port)
   * @param service the service to serve
   */
  public ConfigServer(InetSocketAddress address, ConfigDiscoveryService service) {
    this.requested = Objects.requireNonNull(address, "address");
    this.server =
        NettyServerBuilder.forAddress(address)
            .addService(service)
            // Data planes keep one long-lived stream and may ping to detect dead connections.
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build();
  }

  /** Binds and starts serving. */
  public ConfigServer start() throws IOException {
    server.start();
    return this;
  }

  /** The bound port (after {@link #start()}). */
  public int port() {
    return server.getPort();
  }

  /** The bound host, as requested. */
  public String host() {
    return requested.getHostString();
  }

  /** Cancels open streams and stops; waits up to five seconds. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("gRPC server did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
