package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * One {@code Stream} call to the controller and the channel that carries it, as opened by {@link
 * ConfigClient}. Flow control: one snapshot is requested at a time; the client asks for the next
 * with {@link #requests()}{@code .request(1)} once it has answered the last.
 *
 * <p>Threading: gRPC callbacks arrive on gRPC threads and are handed to the client's thread through
 * {@code handoff}; the mutable fields are touched only on that thread, and {@link #requests()} is
 * set in {@code beforeStart}, which runs on it during {@code stream()}.
 */
final class ControllerStream implements ClientResponseObserver<ConfigRequest, ConfigSnapshot> {

  private final int id;
  private final ManagedChannel channel;
  private final Executor handoff;
  private final BiConsumer<ControllerStream, ConfigSnapshot> onSnapshot;
  private final BiConsumer<ControllerStream, Status> onEnd;
  private ClientCallStreamObserver<ConfigRequest> requests;
  // When the channel first became READY under this stream, or 0.
  long connectedAtNanos;
  // Whether the stream delivered a snapshot: a healthy stream, so the backoff starts over.
  boolean delivered;

  ControllerStream(
      int id,
      ManagedChannel channel,
      Executor handoff,
      BiConsumer<ControllerStream, ConfigSnapshot> onSnapshot,
      BiConsumer<ControllerStream, Status> onEnd) {
    this.id = id;
    this.channel = channel;
    this.handoff = handoff;
    this.onSnapshot = onSnapshot;
    this.onEnd = onEnd;
  }

  int id() {
    return id;
  }

  ManagedChannel channel() {
    return channel;
  }

  ClientCallStreamObserver<ConfigRequest> requests() {
    return requests;
  }

  void send(ConfigRequest request) {
    requests.onNext(request);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ConfigRequest> requestStream) {
    this.requests = requestStream;
    requestStream.disableAutoRequestWithInitial(1);
  }

  @Override
  public void onNext(ConfigSnapshot snapshot) {
    handoff.execute(() -> onSnapshot.accept(this, snapshot));
  }

  @Override
  public void onError(Throwable t) {
    handoff.execute(() -> onEnd.accept(this, Status.fromThrowable(t)));
  }

  @Override
  public void onCompleted() {
    handoff.execute(
        () ->
            onEnd.accept(this, Status.UNAVAILABLE.withDescription("controller ended the stream")));
  }
}
