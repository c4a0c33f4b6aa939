package dev.weir.testing;

import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import dev.weir.testing.grpc.OtherServiceGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * grpc-java clients for tests against {@link GrpcEchoServer}, directly or through a proxy: cached
 * plaintext (h2c prior knowledge) channels, optionally with an authority override, and stubs that
 * always carry a deadline so that a missing feature fails fast instead of hanging.
 *
 * <p>Threading: an instance may be shared by any threads; channels are cached in a concurrent map
 * and closed together by {@link #close()}. The static helpers are stateless.
 */
public final class GrpcClients implements AutoCloseable {

  /** The deadline every stub made here carries. */
  public static final long CALL_DEADLINE_MS = 5_000;

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** A cached plaintext channel to {@code 127.0.0.1:port}, with that as its authority. */
  public ManagedChannel channel(int port) {
    return channel(port, null);
  }

  /**
   * A cached plaintext channel to {@code 127.0.0.1:port} whose calls carry {@code authority} (none
   * overridden when null), accepting messages up to {@link GrpcEchoServer#MAX_MESSAGE_BYTES}.
   */
  public ManagedChannel channel(int port, String authority) {
    return channels.computeIfAbsent(
        port + "/" + authority,
        k -> {
          ManagedChannelBuilder<?> builder =
              ManagedChannelBuilder.forAddress("127.0.0.1", port)
                  .usePlaintext()
                  .maxInboundMessageSize(GrpcEchoServer.MAX_MESSAGE_BYTES);
          if (authority != null) {
            builder.overrideAuthority(authority);
          }
          return builder.build();
        });
  }

  /** Lets every channel reconnect at once, e.g. to a listener that opened late. */
  public void resetConnectBackoff() {
    channels.values().forEach(ManagedChannel::resetConnectBackoff);
  }

  /** Shuts every channel down now and waits for each to terminate. */
  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    channels.clear();
  }

  /** A blocking EchoService stub on {@code channel} with the call deadline. */
  public static EchoServiceGrpc.EchoServiceBlockingStub echo(Channel channel) {
    return EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** An asynchronous EchoService stub on {@code channel} with the call deadline. */
  public static EchoServiceGrpc.EchoServiceStub async(Channel channel) {
    return EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** A blocking OtherService stub on {@code channel} with the call deadline. */
  public static OtherServiceGrpc.OtherServiceBlockingStub other(Channel channel) {
    return OtherServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** An ASCII metadata key. */
  public static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** Metadata from {@code name, value, name, value, ...}; a repeated name adds a value. */
  public static Metadata metadata(String... pairs) {
    Metadata md = new Metadata();
    for (int i = 0; i < pairs.length; i += 2) {
      md.put(key(pairs[i]), pairs[i + 1]);
    }
    return md;
  }

  /** An interceptor that sends {@code md} as request headers. */
  public static ClientInterceptor attach(Metadata md) {
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  /** The status code {@code call} ended with ({@code OK} when it returned). */
  public static Status.Code code(Supplier<?> call) {
    try {
      call.get();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** Completes {@code result} with the one reply, or exceptionally on error or none. */
  public static StreamObserver<EchoResponse> single(CompletableFuture<EchoResponse> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.completeExceptionally(new IllegalStateException("completed without a reply"));
      }
    };
  }

  /** Puts each reply, then "completed" or the error, on {@code queue}. */
  public static StreamObserver<EchoResponse> queue(BlockingQueue<Object> queue) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        queue.add(value);
      }

      @Override
      public void onError(Throwable t) {
        queue.add(t);
      }

      @Override
      public void onCompleted() {
        queue.add("completed");
      }
    };
  }
}
