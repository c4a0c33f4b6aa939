package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller for tests: a real grpc-netty server on 127.0.0.1 that records every request and
 * sends the snapshots a test hands it on the most recent stream. Thread-safe.
 */
final class FakeController implements AutoCloseable {

  private final BlockingQueue<ConfigRequest> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger streams = new AtomicInteger();
  private volatile StreamObserver<ConfigSnapshot> current;
  private final Server server;

  private FakeController(int port) throws IOException {
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .directExecutor()
            .addService(new Service())
            .build()
            .start();
  }

  /** Starts a controller on {@code port}, 0 for any free one. */
  static FakeController start(int port) throws IOException {
    return new FakeController(port);
  }

  int port() {
    return server.getPort();
  }

  /** How many streams were opened so far. */
  int streams() {
    return streams.get();
  }

  /** Sends {@code snapshot} on the latest stream, waiting for one to open. */
  void send(ConfigSnapshot snapshot) {
    await().atMost(Duration.ofSeconds(10)).until(() -> current != null);
    synchronized (this) {
      current.onNext(snapshot);
    }
  }

  /** Ends the latest stream cleanly. */
  synchronized void completeStream() {
    current.onCompleted();
    current = null;
  }

  /** The next request the data plane sent, waiting up to 10 s for it. */
  ConfigRequest nextRequest() throws InterruptedException {
    ConfigRequest request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).as("a request from the data plane within 10 s").isNotNull();
    return request;
  }

  /** Whether a request is waiting, after giving one {@code wait} to arrive. */
  boolean hasRequestWithin(Duration wait) throws InterruptedException {
    ConfigRequest request = requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    return request != null;
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Service extends ConfigDiscoveryGrpc.ConfigDiscoveryImplBase {
    @Override
    public StreamObserver<ConfigRequest> stream(StreamObserver<ConfigSnapshot> responses) {
      streams.incrementAndGet();
      current = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(ConfigRequest request) {
          requests.add(request);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          synchronized (FakeController.this) {
            responses.onCompleted();
          }
        }
      };
    }
  }
}
