package dev.weir.testing;

import dev.weir.testing.grpc.health.HealthCheckRequest;
import dev.weir.testing.grpc.health.HealthCheckResponse;
import dev.weir.testing.grpc.health.HealthCheckResponse.ServingStatus;
import dev.weir.testing.grpc.health.HealthGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Set;

/**
 * {@code grpc.health.v1.Health/Check} for {@link GrpcEchoServer}: the server as a whole ({@code
 * ""}) and each of its services answer {@code SERVING}, or {@code NOT_SERVING} once {@link
 * #serving} is set to false; any other name is {@code NOT_FOUND}, as the protocol asks.
 * Thread-safe.
 */
final class HealthService extends HealthGrpc.HealthImplBase {

  private static final Set<String> SERVICES =
      Set.of("", "weir.testing.v1.EchoService", "weir.testing.v1.OtherService");

  private volatile boolean serving = true;

  void serving(boolean serving) {
    this.serving = serving;
  }

  @Override
  public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
    if (!SERVICES.contains(request.getService())) {
      out.onError(Status.NOT_FOUND.withDescription("unknown service").asRuntimeException());
      return;
    }
    out.onNext(
        HealthCheckResponse.newBuilder()
            .setStatus(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING)
            .build());
    out.onCompleted();
  }
}
