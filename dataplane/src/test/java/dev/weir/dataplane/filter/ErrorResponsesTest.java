package dev.weir.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

  private static FullHttpResponse respond(ErrorKind kind, String contentType) {
    return ErrorResponses.forError(
        UnpooledByteBufAllocator.DEFAULT,
        ProxyError.upstream(kind, false, "detail"),
        "req-1",
        contentType);
  }

  @Test
  void grpcRequestsGetTrailersOnlyGrpcStatuses() {
    FullHttpResponse unrouted = respond(ErrorKind.NO_ROUTE, "application/grpc+proto");
    try {
      assertThat(unrouted.status().code()).isEqualTo(200);
      assertThat(unrouted.content().readableBytes()).isZero();
      assertThat(unrouted.headers().get("content-type")).isEqualTo("application/grpc");
      assertThat(unrouted.headers().get("grpc-status")).isEqualTo("12");
      assertThat(unrouted.headers().get("grpc-message")).isEqualTo("404 Not Found");
      assertThat(unrouted.headers().get("x-request-id")).isEqualTo("req-1");
    } finally {
      unrouted.release();
    }
    for (ErrorKind kind :
        new ErrorKind[] {
          ErrorKind.CONNECT_FAILED, ErrorKind.NO_ENDPOINTS, ErrorKind.UPSTREAM_TIMEOUT
        }) {
      FullHttpResponse r = respond(kind, "application/grpc");
      try {
        assertThat(r.headers().get("grpc-status")).as(kind.name()).isEqualTo("14");
      } finally {
        r.release();
      }
    }
  }

  @Test
  void otherRequestsGetTheHttpStatus() {
    for (String contentType : new String[] {null, "application/json", "application/grpc-web"}) {
      FullHttpResponse r = respond(ErrorKind.NO_ROUTE, contentType);
      try {
        if (contentType != null && contentType.startsWith("application/grpc")) {
          // grpc-web is gRPC too: its clients read grpc-status the same way.
          assertThat(r.headers().get("grpc-status")).isEqualTo("12");
        } else {
          assertThat(r.status().code()).isEqualTo(404);
          assertThat(r.headers().contains("grpc-status")).isFalse();
        }
      } finally {
        r.release();
      }
    }
  }

  @Test
  void overloadedIsA503MarkedOverloadedForHttpAndGrpcAlike() {
    FullHttpResponse plain = respond(ErrorKind.OVERLOADED, null);
    FullHttpResponse grpc = respond(ErrorKind.OVERLOADED, "application/grpc");
    try {
      assertThat(plain.status().code()).isEqualTo(503);
      assertThat(plain.headers().get("x-weir-overloaded")).isEqualTo("true");
      assertThat(grpc.headers().get("grpc-status")).isEqualTo("14"); // UNAVAILABLE
      assertThat(grpc.headers().get("x-weir-overloaded")).isEqualTo("true");
      FullHttpResponse other = respond(ErrorKind.NO_ENDPOINTS, null);
      try {
        assertThat(other.headers().contains("x-weir-overloaded")).isFalse();
      } finally {
        other.release();
      }
    } finally {
      plain.release();
      grpc.release();
    }
  }
}
