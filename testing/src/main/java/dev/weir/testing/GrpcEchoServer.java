package dev.weir.testing;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC backend for tests, the demo and benchmarks: grpc-java on Netty, plaintext HTTP/2 with
 * prior knowledge (h2c), serving {@code weir.testing.v1.EchoService} and {@code OtherService} (see
 * {@code echo.proto}), and the standard health service {@code grpc.health.v1.Health/Check} ({@link
 * #serving}; health checks are not counted in {@link #requests()}).
 *
 * <p>Every response names the backend twice: in {@code EchoResponse.backend} and in the response
 * header {@code x-backend} (in the trailers instead when a call fails before sending headers, as a
 * trailers-only response has no header block of its own). Every response echoes the request
 * metadata the backend saw, plus the call's {@code :authority}. {@code delay_ms} is served from a
 * scheduler, so a slow call holds no thread; {@code fail_with_code} fails the call with that status
 * and the description {@code "NAME failed as asked"}. Messages up to {@link #MAX_MESSAGE_BYTES} are
 * accepted, so 4 MiB payloads round-trip. Requests compressed with gzip are answered with gzip.
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close} stops at once (calls in flight are
 * cancelled) and releases every thread it started. Thread-safe: {@link #requests()} may be read
 * from any thread.
 */
public final class GrpcEchoServer implements AutoCloseable {

  /** The largest message this backend accepts: room for a 4 MiB payload plus its framing. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final String name;
  private final AtomicLong requests = new AtomicLong();
  private final HealthService health = new HealthService();
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Server server;

  private GrpcEchoServer(String name, String host, int port) throws IOException {
    this.name = name;
    this.executor = Executors.newCachedThreadPool(daemon("grpc-echo-" + name));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("grpc-echo-timer-" + name));
    EchoServices services = new EchoServices(name, scheduler);
    BackendInterceptor interceptor = new BackendInterceptor(name, requests);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .executor(executor)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .addService(ServerInterceptors.intercept(services.echoService(), interceptor))
            .addService(ServerInterceptors.intercept(services.otherService(), interceptor))
            .addService(health)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      scheduler.shutdownNow();
      throw e;
    }
  }

  /** Starts a backend named {@code name} on 127.0.0.1 and a free port. */
  public static GrpcEchoServer start(String name) {
    return start(name, "127.0.0.1", 0);
  }

  /** Starts a backend named {@code name} on {@code host:port} (0 for a free port). */
  public static GrpcEchoServer start(String name, String host, int port) {
    try {
      return new GrpcEchoServer(name, host, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start gRPC backend " + name, e);
    }
  }

  /** The port this backend listens on. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The backend's name, sent in every response and as {@code x-backend}. */
  public String name() {
    return name;
  }

  /** Makes the health service answer {@code SERVING} (true, the default) or {@code NOT_SERVING}. */
  public void serving(boolean serving) {
    health.serving(serving);
  }

  /** How many calls (of any kind, on either service) this backend has received. */
  public long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    executor.shutdownNow();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs gRPC backends until killed: {@code GrpcEchoServer NAME=HOST:PORT [NAME=HOST:PORT ...]}.
   * The demo uses this to start its gRPC services.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.println("usage: grpc-backend NAME=HOST:PORT [NAME=HOST:PORT ...]");
      System.out.println("Starts gRPC echo backends (h2c) serving weir.testing.v1.EchoService.");
      return;
    }
    for (String arg : args) {
      int eq = arg.indexOf('=');
      int colon = arg.lastIndexOf(':');
      if (eq <= 0 || colon < eq) {
        System.err.println("grpc-backend: expected NAME=HOST:PORT, got '" + arg + "'");
        System.exit(2);
      }
      GrpcEchoServer server =
          start(
              arg.substring(0, eq),
              arg.substring(eq + 1, colon),
              Integer.parseInt(arg.substring(colon + 1)));
      System.out.println(
          "grpc backend " + server.name() + " listening on " + arg.substring(eq + 1));
    }
    Thread.currentThread().join();
  }
}
