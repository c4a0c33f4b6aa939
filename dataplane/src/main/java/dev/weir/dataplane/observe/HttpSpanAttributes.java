package dev.weir.dataplane.observe;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute keys the {@link TracingFilter} sets: those of the OpenTelemetry HTTP semantic
 * conventions (stable since semconv 1.23), plus Weir's own {@code weir.*}. Made once, so setting an
 * attribute allocates no key.
 */
final class HttpSpanAttributes {

  private HttpSpanAttributes() {}

  static final AttributeKey<String> HTTP_REQUEST_METHOD = stringKey("http.request.method");
  static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      stringKey("http.request.method_original");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = longKey("http.response.status_code");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = longKey("http.request.resend_count");
  static final AttributeKey<String> HTTP_ROUTE = stringKey("http.route");
  static final AttributeKey<String> URL_PATH = stringKey("url.path");
  static final AttributeKey<String> URL_SCHEME = stringKey("url.scheme");
  static final AttributeKey<String> URL_FULL = stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = stringKey("client.address");
  static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      stringKey("network.protocol.version");
  static final AttributeKey<String> USER_AGENT_ORIGINAL = stringKey("user_agent.original");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  /** The snapshot listener the request arrived on ({@code gateway/80}). */
  static final AttributeKey<String> WEIR_LISTENER = stringKey("weir.listener");

  /** The cluster an upstream attempt went to ({@code namespace/service:port}). */
  static final AttributeKey<String> WEIR_BACKEND = stringKey("weir.backend");

  /** {@code network.protocol.version} for the client's protocol as {@code ExchangeStats} has it. */
  static String protocolVersion(String protocol) {
    return switch (protocol) {
      case "HTTP/1.0" -> "1.0";
      case "HTTP/2" -> "2";
      default -> "1.1";
    };
  }
}
