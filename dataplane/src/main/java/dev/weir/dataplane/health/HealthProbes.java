package dev.weir.dataplane.health;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Builds the {@link HealthProbe} for a cluster's check and protocol. Stateless. */
final class HealthProbes {

  private HealthProbes() {}

  /**
   * The probe for {@code probe} on a cluster that speaks HTTP/2 ({@code h2}) or HTTP/1.1. An HTTP
   * check follows the cluster's protocol; a gRPC check always speaks HTTP/2 (h2c in cleartext; over
   * TLS the cluster must offer {@code h2}, which an HTTP/2 cluster does).
   */
  static HealthProbe of(HealthCheckSettings.Probe probe, boolean h2) {
    return switch (probe) {
      case HealthCheckSettings.Tcp t -> HealthProbe.TCP;
      case HealthCheckSettings.Http http when !h2 -> new Http1Probe(http);
      case HealthCheckSettings.Http http ->
          new Http2Probe(
              Http2Probe.bodyless(ch -> head("GET", http.path(), authority(http.host(), ch), ch)),
              (headers, trailers, body) -> {
                int status = status(headers);
                return http.expects(status) ? null : "status " + status;
              });
      case HealthCheckSettings.Grpc grpc -> grpc(grpc.service());
    };
  }

  /**
   * {@code grpc.health.v1.Health/Check}: healthy on HTTP 200, {@code grpc-status: 0} (in the
   * trailers, or in the headers of a trailers-only response) and {@code SERVING}.
   */
  private static HealthProbe grpc(String service) {
    byte[] body = GrpcHealthMessages.request(service);
    Http2Probe.Request request =
        new Http2Probe.Request() {
          @Override
          public Http2Headers headers(Channel ch) {
            return head("POST", GrpcHealthMessages.PATH, authority("", ch), ch)
                .set("content-type", "application/grpc")
                .set("te", "trailers");
          }

          @Override
          public byte[] body() {
            return body;
          }
        };
    return new Http2Probe(
        request,
        (headers, trailers, bytes) -> {
          if (status(headers) != 200) {
            return "HTTP status " + status(headers);
          }
          Http2Headers last = trailers != null ? trailers : headers;
          CharSequence grpcStatus = last.get("grpc-status");
          if (grpcStatus == null || !"0".contentEquals(grpcStatus)) {
            return "grpc-status " + grpcStatus + " " + last.get("grpc-message", "");
          }
          try {
            int serving = GrpcHealthMessages.status(bytes);
            return serving == GrpcHealthMessages.SERVING ? null : "serving status " + serving;
          } catch (IOException e) {
            return e.getMessage();
          }
        });
  }

  /** {@code host}, or when empty the endpoint's address (bracketed if IPv6, RFC 3986 §3.2.2). */
  static String authority(String host, Channel ch) {
    if (!host.isEmpty()) {
      return host;
    }
    String address = ((InetSocketAddress) ch.remoteAddress()).getAddress().getHostAddress();
    return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
  }

  private static Http2Headers head(String method, String path, String authority, Channel ch) {
    boolean tls = ch.pipeline().get(SslHandler.class) != null;
    return new DefaultHttp2Headers()
        .method(method)
        .path(path)
        .scheme(tls ? "https" : "http")
        .authority(authority)
        .set("user-agent", Http1Probe.USER_AGENT);
  }

  private static int status(Http2Headers headers) {
    try {
      return headers == null || headers.status() == null
          ? 0
          : Integer.parseInt(headers.status().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
