package dev.weir.e2e;

import dev.weir.testing.GrpcClients;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * gRPC traffic for a soak: unary calls at a steady rate, and one bidirectional stream held open
 * from start to {@link #close()} with a message every 200 ms, each of which must be echoed.
 * Thread-safe.
 */
final class GrpcTraffic implements AutoCloseable {

  private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1);
  private final AtomicLong unaryOk = new AtomicLong();
  private final AtomicLong streamSent = new AtomicLong();
  private final AtomicLong streamEchoes = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> streamEnd = new CompletableFuture<>();
  private final StreamObserver<dev.weir.testing.grpc.EchoRequest> stream;

  GrpcTraffic(Channel channel, int unaryPerSecond) {
    EchoServiceGrpc.EchoServiceStub async = GrpcClients.async(channel);
    // The stream lives as long as the soak: a stub without the helpers' call deadline.
    stream =
        EchoServiceGrpc.newStub(channel)
            .bidiStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse value) {
                    streamEchoes.incrementAndGet();
                  }

                  @Override
                  public void onError(Throwable t) {
                    failures.add("bidi stream: " + t);
                    streamEnd.complete(null);
                  }

                  @Override
                  public void onCompleted() {
                    streamEnd.complete(null);
                  }
                });
    ticker.scheduleAtFixedRate(
        () -> {
          synchronized (stream) { // StreamObserver is not thread-safe
            stream.onNext(GrpcGateway.message("tick-" + streamSent.incrementAndGet()));
          }
        },
        0,
        200,
        TimeUnit.MILLISECONDS);
    ticker.scheduleAtFixedRate(
        () -> {
          CompletableFuture<EchoResponse> result = new CompletableFuture<>();
          async
              .withDeadlineAfter(GrpcClients.CALL_DEADLINE_MS, TimeUnit.MILLISECONDS)
              .echo(GrpcGateway.hello(), GrpcClients.single(result));
          result.whenComplete(
              (r, e) -> {
                if (e != null) {
                  failures.add("unary: " + e);
                } else {
                  unaryOk.incrementAndGet();
                }
              });
        },
        0,
        1_000_000L / unaryPerSecond,
        TimeUnit.MICROSECONDS);
  }

  long unaryOk() {
    return unaryOk.get();
  }

  long streamEchoes() {
    return streamEchoes.get();
  }

  /** Whether the stream ended with OK after {@link #close()}, every message echoed. */
  boolean streamCompletedCleanly() {
    return streamEnd.isDone() && streamEchoes.get() == streamSent.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops sending, half-closes the stream and waits (up to 10 s) for it and the calls to end. */
  @Override
  public void close() throws Exception {
    ticker.shutdown();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    synchronized (stream) {
      stream.onCompleted();
    }
    try {
      streamEnd.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      failures.add("bidi stream did not end within 10 s of its half-close");
    }
  }

  @Override
  public String toString() {
    return "unaryOk="
        + unaryOk
        + " streamSent="
        + streamSent
        + " streamEchoes="
        + streamEchoes
        + " failures="
        + failures.size();
  }
}
