package dev.weir.testing;

import com.google.protobuf.ByteString;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import dev.weir.testing.grpc.OtherServiceGrpc;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The implementations of {@code EchoService} and {@code OtherService} behind {@link
 * GrpcEchoServer}. Unary and server-streaming replies that wait ({@code delay_ms}) are sent from
 * the scheduler, holding no thread; client-streaming and bidi replies wait on the call's own
 * thread, which keeps a bidi stream's replies in order. A reply to a call the client has cancelled
 * (its deadline passed) is dropped. Stateless: every call's state lives in its own observers.
 */
final class EchoServices {

  private final String name;
  private final ScheduledExecutorService scheduler;

  EchoServices(String name, ScheduledExecutorService scheduler) {
    this.name = name;
    this.scheduler = scheduler;
  }

  BindableService echoService() {
    return new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        unary(EchoServiceGrpc.getEchoMethod().getFullMethodName(), request, out);
      }

      @Override
      public void serverStream(EchoRequest request, StreamObserver<EchoResponse> out) {
        String method = EchoServiceGrpc.getServerStreamMethod().getFullMethodName();
        Map<String, String> headers = BackendInterceptor.HEADERS.get();
        int n = Math.max(1, request.getRepeat());
        replyLater(method, request, headers, out, n, 1);
      }

      @Override
      public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> out) {
        String method = EchoServiceGrpc.getClientStreamMethod().getFullMethodName();
        Map<String, String> headers = BackendInterceptor.HEADERS.get();
        return new StreamObserver<>() {
          private final StringBuilder messages = new StringBuilder();
          private ByteString payload = ByteString.EMPTY;
          private EchoRequest last = EchoRequest.getDefaultInstance();

          @Override
          public void onNext(EchoRequest request) {
            messages.append(request.getMessage());
            payload = payload.concat(request.getPayload());
            last = request;
          }

          @Override
          public void onError(Throwable t) {
            // The client went away; there is nobody to answer.
          }

          @Override
          public void onCompleted() {
            EchoRequest all =
                last.toBuilder().setMessage(messages.toString()).setPayload(payload).build();
            reply(method, all, headers, out, true);
          }
        };
      }

      @Override
      public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
        String method = EchoServiceGrpc.getBidiStreamMethod().getFullMethodName();
        Map<String, String> headers = BackendInterceptor.HEADERS.get();
        return new StreamObserver<>() {
          @Override
          public void onNext(EchoRequest request) {
            // Answered in order on this thread: gRPC delivers one message at a time per call.
            reply(method, request, headers, out, false);
          }

          @Override
          public void onError(Throwable t) {
            // The client went away; there is nobody to answer.
          }

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    };
  }

  BindableService otherService() {
    return new OtherServiceGrpc.OtherServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        unary(OtherServiceGrpc.getEchoMethod().getFullMethodName(), request, out);
      }
    };
  }

  private void unary(String method, EchoRequest request, StreamObserver<EchoResponse> out) {
    replyLater(method, request, BackendInterceptor.HEADERS.get(), out, 1, 1);
  }

  /** Sends reply {@code i} of {@code n} after {@code delay_ms}, then schedules the next. */
  private void replyLater(
      String method,
      EchoRequest request,
      Map<String, String> headers,
      StreamObserver<EchoResponse> out,
      int n,
      int i) {
    Runnable send =
        () -> {
          if (cancelled(out)) {
            return;
          }
          if (request.getFailWithCode() != 0) {
            fail(request, out);
            return;
          }
          String message = n == 1 ? request.getMessage() : request.getMessage() + "#" + i;
          out.onNext(response(method, request.toBuilder().setMessage(message).build(), headers));
          if (i == n) {
            out.onCompleted();
          } else {
            replyLater(method, request, headers, out, n, i + 1);
          }
        };
    if (request.getDelayMs() > 0) {
      scheduler.schedule(send, request.getDelayMs(), TimeUnit.MILLISECONDS);
    } else {
      send.run();
    }
  }

  /** Answers one request at once (after its delay, on this thread), completing if asked. */
  private void reply(
      String method,
      EchoRequest request,
      Map<String, String> headers,
      StreamObserver<EchoResponse> out,
      boolean complete) {
    if (request.getDelayMs() > 0) {
      try {
        Thread.sleep(request.getDelayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (cancelled(out)) {
      return;
    }
    if (request.getFailWithCode() != 0) {
      fail(request, out);
      return;
    }
    out.onNext(response(method, request, headers));
    if (complete) {
      out.onCompleted();
    }
  }

  private void fail(EchoRequest request, StreamObserver<EchoResponse> out) {
    out.onError(
        Status.fromCodeValue(request.getFailWithCode())
            .withDescription(name + " failed as asked")
            .asRuntimeException());
  }

  private EchoResponse response(String method, EchoRequest request, Map<String, String> headers) {
    return EchoResponse.newBuilder()
        .setMessage(request.getMessage())
        .setBackend(name)
        .putAllHeaders(headers == null ? Map.of() : headers)
        .setPayload(request.getPayload())
        .setMethod(method)
        .build();
  }

  private static boolean cancelled(StreamObserver<EchoResponse> out) {
    return out instanceof ServerCallStreamObserver<EchoResponse> call && call.isCancelled();
  }
}
