package dev.weir.dataplane.filter;

import dev.weir.dataplane.auth.ExtAuthSettings;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the external authorization call from a client request, and turns the service's answer into
 * headers for the backend or for the client. Stateless.
 */
final class ExtAuthRequests {

  /**
   * RFC 9110 §7.6.1 hop-by-hop fields, framing fields the proxy sets itself, and HTTP/2
   * pseudo-headers the JDK client reports: never copied from the service's answer.
   */
  private static final Set<String> NOT_COPIED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "content-length",
          "x-request-id");

  private ExtAuthRequests() {}

  /** The service's URL: its base path followed by the request's normalised path and query. */
  static URI target(ExtAuthSettings auth, RequestContext ctx) {
    String base = auth.url().toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + ctx.path() + (ctx.query() == null ? "" : "?" + ctx.query()));
  }

  /**
   * The call: the client's method, no body, the listed headers, and X-Forwarded-Host/-Proto/-For
   * for the service's decision (the JDK client sets Host to the service's own authority).
   *
   * @throws IllegalArgumentException when the path makes no valid URI
   */
  static java.net.http.HttpRequest build(
      ExtAuthSettings auth, RequestContext ctx, HttpRequest request) {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(target(auth, ctx))
            .timeout(auth.timeout())
            .method(request.method().name(), java.net.http.HttpRequest.BodyPublishers.noBody());
    for (String name : auth.headersToAuth()) {
      for (String value : request.headers().getAll(name)) {
        try {
          b.header(name, value);
        } catch (IllegalArgumentException restricted) {
          // The JDK client refuses a few fields (Host, Expect, ...): they are not sent.
        }
      }
    }
    if (ctx.originalHost() != null) {
      b.setHeader("x-forwarded-host", ctx.originalHost());
    }
    b.setHeader("x-forwarded-proto", ctx.secure() ? "https" : "http");
    b.setHeader("x-forwarded-for", ctx.clientIp());
    return b.build();
  }

  /** Sets the listed headers of a 2xx answer on the request going upstream. */
  static void copyToBackend(HttpResponse<?> answer, List<String> names, HttpHeaders request) {
    for (String name : names) {
      List<String> values = answer.headers().allValues(name);
      if (!values.isEmpty()) {
        request.set(name, values);
      }
    }
  }

  /** The end-to-end headers of a denial, for the client. */
  static HttpHeaders denialHeaders(HttpResponse<?> answer) {
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, List<String>> e : answer.headers().map().entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!name.startsWith(":") && !NOT_COPIED.contains(name)) {
        out.add(name, e.getValue());
      }
    }
    return out;
  }
}
