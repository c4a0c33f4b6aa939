package dev.weir.dataplane.filter;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * The one place that turns errors (and direct responses) into HTTP responses: a short text body
 * naming the status and the request id, plus the {@code x-request-id} header. Stateless.
 *
 * <p>Buffers: the returned response owns a buffer from {@code alloc}; whoever writes it releases it
 * (the channel does, once written).
 */
public final class ErrorResponses {

  /** The request id header, sent upstream and back to the client. */
  public static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");

  /**
   * Marks a 503 the proxy sent because a circuit breaker was open, not because the upstream failed
   * (Envoy's {@code x-envoy-overloaded}).
   */
  public static final AsciiString OVERLOADED = AsciiString.cached("x-weir-overloaded");

  private static final String GRPC_CONTENT_TYPE = "application/grpc";
  private static final String GRPC_STATUS = "grpc-status";
  private static final String GRPC_MESSAGE = "grpc-message";

  private ErrorResponses() {}

  /**
   * The response for {@code error}.
   *
   * @param requestId the exchange's id, or {@code null} when the request never got one
   */
  public static FullHttpResponse forError(
      ByteBufAllocator alloc, ProxyError error, String requestId) {
    ErrorKind kind = error.kind();
    return markOverloaded(
        kind,
        text(
            alloc,
            HttpResponseStatus.valueOf(kind.status()),
            body(kind.status(), kind.reason(), requestId),
            requestId));
  }

  private static FullHttpResponse markOverloaded(ErrorKind kind, FullHttpResponse response) {
    if (kind == ErrorKind.OVERLOADED) {
      response.headers().set(OVERLOADED, "true");
    }
    return response;
  }

  /**
   * The response for {@code error} to a request of content type {@code requestContentType}: for a
   * gRPC request ({@code application/grpc*}) a trailers-only gRPC response (HTTP 200 with {@code
   * grpc-status} and {@code grpc-message} in the head, which an HTTP/2 client gets as one HEADERS
   * frame ending the stream), else {@link #forError(ByteBufAllocator, ProxyError, String)}.
   *
   * @param requestContentType the request's {@code content-type}, or {@code null}
   */
  public static FullHttpResponse forError(
      ByteBufAllocator alloc, ProxyError error, String requestId, String requestContentType) {
    if (!isGrpc(requestContentType)) {
      return forError(alloc, error, requestId);
    }
    ErrorKind kind = error.kind();
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, GRPC_CONTENT_TYPE)
        .setInt(GRPC_STATUS, grpcStatus(kind.status()))
        .set(GRPC_MESSAGE, kind.status() + " " + kind.reason())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return markOverloaded(kind, response);
  }

  /** Whether {@code contentType} is gRPC's: {@code application/grpc} and its {@code +proto} etc. */
  public static boolean isGrpc(String contentType) {
    return contentType != null
        && contentType.regionMatches(true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length());
  }

  /**
   * The gRPC status code for an HTTP status the proxy would have sent, as gRPC's "HTTP to gRPC
   * Status Code Mapping" (doc/http-grpc-status-mapping.md): 404 is UNIMPLEMENTED (no such method
   * behind this proxy), 502/503/504/429 UNAVAILABLE, 400 INTERNAL, other errors UNKNOWN.
   */
  static int grpcStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /**
   * The response for a filter's early {@code answer}.
   *
   * @param contentType the request's Content-Type (a gRPC request gets a gRPC error)
   */
  public static FullHttpResponse forAnswer(
      ByteBufAllocator alloc, RequestContext.Answer answer, String requestId, String contentType) {
    return switch (answer) {
      case RequestContext.Answer.Error e -> forError(alloc, e.error(), requestId, contentType);
      case RequestContext.Answer.Direct d -> direct(alloc, d.status(), d.body(), requestId);
      case RequestContext.Answer.Redirect r -> redirect(r.status(), r.location(), requestId);
      case RequestContext.Answer.Status s -> forStatus(alloc, s.status(), requestId);
      case RequestContext.Answer.Empty e -> empty(e.status(), e.headers(), requestId);
      case RequestContext.Answer.Reply r -> reply(r.status(), r.headers(), r.body(), requestId);
      case RequestContext.Answer.Stored s -> stored(s.status(), s.headers(), s.body(), requestId);
    };
  }

  /**
   * A filter's full answer: {@code headers} and {@code body} as given, with Content-Length set to
   * the body's length and the request id added.
   */
  public static FullHttpResponse reply(
      int status, HttpHeaders headers, byte[] body, String requestId) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().add(headers).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return response;
  }

  /** A stored (cached) response: {@code headers} as given, Content-Length included. */
  private static FullHttpResponse stored(
      int status, HttpHeaders headers, byte[] body, String requestId) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().add(headers);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return response;
  }

  /**
   * The proxy's own response for {@code status}: the status, its reason phrase and the request id.
   *
   * @param requestId the exchange's id, or {@code null} when the request never got one
   */
  public static FullHttpResponse forStatus(ByteBufAllocator alloc, int status, String requestId) {
    HttpResponseStatus s = HttpResponseStatus.valueOf(status);
    return text(alloc, s, body(status, s.reasonPhrase(), requestId), requestId);
  }

  private static String body(int status, String reason, String requestId) {
    return status
        + " "
        + reason
        + (requestId == null ? "" : " (request id " + requestId + ")")
        + "\n";
  }

  /** An empty response with {@code headers} added (a CORS preflight answer). */
  public static FullHttpResponse empty(int status, HttpHeaders headers, String requestId) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
    response.headers().add(headers).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return response;
  }

  /** A route's direct response, with the route's own body. */
  public static FullHttpResponse direct(
      ByteBufAllocator alloc, int status, String body, String requestId) {
    return text(alloc, HttpResponseStatus.valueOf(status), body, requestId);
  }

  /**
   * A redirect (RFC 9110 §15.4) with an empty body.
   *
   * @param location the {@code Location} field value
   */
  public static FullHttpResponse redirect(int status, String location, String requestId) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
    response
        .headers()
        .set(HttpHeaderNames.LOCATION, location)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return response;
  }

  private static FullHttpResponse text(
      ByteBufAllocator alloc, HttpResponseStatus status, String body, String requestId) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(alloc, body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (requestId != null) {
      response.headers().set(REQUEST_ID, requestId);
    }
    return response;
  }
}
