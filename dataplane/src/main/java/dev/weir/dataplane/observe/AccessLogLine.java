package dev.weir.dataplane.observe;

import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;

/**
 * Writes one finished exchange as an access-log line, in JSON or in text, into a caller's {@link
 * StringBuilder} (no allocation beyond its growth). What a line holds, and what it never holds:
 *
 * <ul>
 *   <li>{@code time}: when the request head arrived, RFC 3339 UTC with milliseconds;
 *   <li>{@code request_id}, {@code trace_id} (only when traced), {@code client} (the client's IP),
 *       {@code method}, {@code authority} (the Host or absolute-form authority as sent), {@code
 *       path} (the normalised path routing used), {@code protocol}, {@code status} (0: no response
 *       was sent), {@code request_bytes} and {@code response_bytes} (bodies);
 *   <li>{@code duration_ms} (request head in to response end), {@code upstream_ms} (first attempt
 *       to upstream response end) and {@code ttfb_ms} (request head in to response head out), in
 *       milliseconds with microsecond decimals;
 *   <li>{@code route} (the snapshot's route name), {@code backend} (the cluster), {@code endpoint}
 *       ({@code ip:port} of the latest upstream attempt), {@code retries} (attempts after the
 *       first), {@code error} (the {@link dev.weir.dataplane.filter.ErrorKind} that ended the
 *       exchange) and {@code listener}.
 * </ul>
 *
 * <p>JSON leaves out a field that has no value (no trace, no route, no upstream...). The query
 * string is never logged, because it often carries credentials ({@code access_token}, signed URL
 * signatures); neither is any header other than the authority. Every string is escaped by {@link
 * LogText#escape}, so a hostile path or host cannot break a line.
 *
 * <p>Stateless; any thread.
 */
final class AccessLogLine {

  private AccessLogLine() {}

  /** One JSON object, without the newline. */
  static void json(StringBuilder out, RequestContext ctx, long nowNanos, long nowMillis) {
    ExchangeStats stats = ctx.stats();
    long total = nowNanos - ctx.startNanos();
    out.append("{\"time\":\"");
    LogText.timestamp(out, nowMillis - total / 1_000_000);
    out.append('"');
    string(out, "request_id", ctx.requestId());
    string(out, "trace_id", stats.traceId());
    string(out, "client", ctx.clientIp());
    string(out, "method", stats.method());
    string(out, "authority", ctx.originalHost());
    string(out, "path", ctx.path());
    string(out, "protocol", stats.protocol());
    out.append(",\"status\":").append(ctx.responseStatus());
    out.append(",\"request_bytes\":").append(stats.requestBytes());
    out.append(",\"response_bytes\":").append(stats.responseBytes());
    out.append(",\"duration_ms\":");
    LogText.millis(out, total);
    long upstream = stats.upstreamNanos();
    if (upstream >= 0) {
      out.append(",\"upstream_ms\":");
      LogText.millis(out, upstream);
    }
    long firstByte = stats.timeToFirstByteNanos(ctx.startNanos());
    if (firstByte >= 0) {
      out.append(",\"ttfb_ms\":");
      LogText.millis(out, firstByte);
    }
    RouteEntry route = ctx.route();
    string(out, "route", route == null ? null : route.name());
    UpstreamCluster cluster = ctx.cluster();
    string(out, "backend", cluster == null ? null : cluster.name());
    UpstreamEndpoint endpoint = stats.attemptEndpoint();
    if (endpoint != null) {
      out.append(",\"endpoint\":\"");
      LogText.hostPort(out, endpoint.address(), endpoint.port());
      out.append('"');
    }
    out.append(",\"retries\":").append(stats.retries());
    ProxyError error = ctx.error();
    string(out, "error", error == null ? null : error.kind().name());
    string(out, "listener", stats.listener());
    out.append('}');
  }

  /**
   * One line after nginx's "combined" format, with Weir's fields added as {@code key=value} ({@code
   * -} when absent):
   *
   * <pre>
   * 10.0.0.7 - - [2025-06-01T12:00:00.123Z] "GET /shop HTTP/1.1" 200 1234 "shop.example" \
   *   request_id=... route=... backend=... endpoint=10.1.0.5:8080 duration_ms=1.234 \
   *   upstream_ms=1.100 ttfb_ms=1.150 retries=0 error=- listener=http trace_id=-
   * </pre>
   */
  static void text(StringBuilder out, RequestContext ctx, long nowNanos, long nowMillis) {
    ExchangeStats stats = ctx.stats();
    long total = nowNanos - ctx.startNanos();
    LogText.escape(out, ctx.clientIp());
    out.append(" - - [");
    LogText.timestamp(out, nowMillis - total / 1_000_000);
    out.append("] \"");
    LogText.escape(out, stats.method());
    out.append(' ');
    LogText.escape(out, ctx.path());
    out.append(' ');
    LogText.escape(out, stats.protocol());
    out.append("\" ").append(ctx.responseStatus()).append(' ').append(stats.responseBytes());
    out.append(" \"");
    LogText.escape(out, ctx.originalHost() == null ? "-" : ctx.originalHost());
    out.append('"');
    token(out, "request_id", ctx.requestId());
    RouteEntry route = ctx.route();
    token(out, "route", route == null ? null : route.name());
    UpstreamCluster cluster = ctx.cluster();
    token(out, "backend", cluster == null ? null : cluster.name());
    out.append(" endpoint=");
    UpstreamEndpoint endpoint = stats.attemptEndpoint();
    if (endpoint == null) {
      out.append('-');
    } else {
      LogText.hostPort(out, endpoint.address(), endpoint.port());
    }
    out.append(" duration_ms=");
    LogText.millis(out, total);
    duration(out, "upstream_ms", stats.upstreamNanos());
    duration(out, "ttfb_ms", stats.timeToFirstByteNanos(ctx.startNanos()));
    out.append(" request_bytes=").append(stats.requestBytes());
    out.append(" retries=").append(stats.retries());
    ProxyError error = ctx.error();
    token(out, "error", error == null ? null : error.kind().name());
    token(out, "listener", stats.listener());
    token(out, "trace_id", stats.traceId());
  }

  /** {@code ,"name":"value"}, or nothing when {@code value} is null. */
  private static void string(StringBuilder out, String name, String value) {
    if (value != null) {
      out.append(",\"").append(name).append("\":\"");
      LogText.escape(out, value);
      out.append('"');
    }
  }

  /** {@code " name=value"}, {@code -} for null or empty; spaces escaped so tokens stay split. */
  private static void token(StringBuilder out, String name, String value) {
    out.append(' ').append(name).append('=');
    if (value == null || value.isEmpty()) {
      out.append('-');
      return;
    }
    int from = out.length();
    LogText.escape(out, value);
    for (int i = from; i < out.length(); i++) {
      if (out.charAt(i) == ' ') {
        out.replace(i, i + 1, "\\u0020");
      }
    }
  }

  private static void duration(StringBuilder out, String name, long nanos) {
    out.append(' ').append(name).append('=');
    if (nanos < 0) {
      out.append('-');
    } else {
      LogText.millis(out, nanos);
    }
  }
}
