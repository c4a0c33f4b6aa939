package dev.weir.dataplane.observe;

import static dev.weir.dataplane.observe.HttpSpanAttributes.CLIENT_ADDRESS;
import static dev.weir.dataplane.observe.HttpSpanAttributes.ERROR_TYPE;
import static dev.weir.dataplane.observe.HttpSpanAttributes.HTTP_REQUEST_METHOD;
import static dev.weir.dataplane.observe.HttpSpanAttributes.HTTP_REQUEST_METHOD_ORIGINAL;
import static dev.weir.dataplane.observe.HttpSpanAttributes.HTTP_REQUEST_RESEND_COUNT;
import static dev.weir.dataplane.observe.HttpSpanAttributes.HTTP_RESPONSE_STATUS_CODE;
import static dev.weir.dataplane.observe.HttpSpanAttributes.HTTP_ROUTE;
import static dev.weir.dataplane.observe.HttpSpanAttributes.NETWORK_PROTOCOL_VERSION;
import static dev.weir.dataplane.observe.HttpSpanAttributes.SERVER_ADDRESS;
import static dev.weir.dataplane.observe.HttpSpanAttributes.SERVER_PORT;
import static dev.weir.dataplane.observe.HttpSpanAttributes.URL_FULL;
import static dev.weir.dataplane.observe.HttpSpanAttributes.URL_PATH;
import static dev.weir.dataplane.observe.HttpSpanAttributes.URL_SCHEME;
import static dev.weir.dataplane.observe.HttpSpanAttributes.USER_AGENT_ORIGINAL;
import static dev.weir.dataplane.observe.HttpSpanAttributes.WEIR_BACKEND;
import static dev.weir.dataplane.observe.HttpSpanAttributes.WEIR_LISTENER;

import dev.weir.dataplane.filter.ContextKey;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;

/**
 * Traces each exchange after the OpenTelemetry HTTP semantic conventions, as an observer of the
 * chain (after the request meters; see {@code Telemetry#observers}):
 *
 * <ul>
 *   <li>{@code onRequest}: extracts the client's W3C {@code traceparent}, {@code tracestate} and
 *       {@code baggage}, and starts a SERVER span named {@code "METHOD route"} ({@code "METHOD"}
 *       when no route matched); the trace id goes to {@link ExchangeStats#traceId} for the access
 *       log;
 *   <li>{@code onUpstreamAttempt}, once per attempt that reached a connection: ends the previous
 *       attempt's CLIENT span (it was retried, so it failed), starts a CLIENT span under the server
 *       span, and replaces the trace headers sent upstream with that span's context;
 *   <li>{@code onResponse}: the upstream's status on the current CLIENT span; {@code onError}: the
 *       error's kind as {@code error.type};
 *   <li>{@code onComplete}: the status sent to the client, and both spans end.
 * </ul>
 *
 * <p>Attributes are computed only for spans the sampler records; an unsampled exchange costs the
 * span objects and the header rewrite only (its context still goes upstream, with the sampled flag
 * {@code 00}). Status codes: a SERVER span is an error for 5xx or no response, a CLIENT span for
 * 4xx and 5xx (semantic conventions, "HTTP spans: status"). The upstream status is read after later
 * filters' {@code onResponse} (a cache's revalidation may show 200 for an upstream 304).
 *
 * <p>Stateless apart from the tracer; per-exchange state lives in the request context. Called from
 * event loops only, and never blocks: ending a span queues it for the batch exporter.
 */
public final class TracingFilter implements ProxyFilter {

  private static final ContextKey<TracedExchange> KEY = ContextKey.of("tracing");

  /** {@code error.type} of an attempt that was retried, whose own failure the proxy consumed. */
  static final String RETRIED = "retried";

  /** {@code error.type} of an exchange that ended with no response and no error (client left). */
  static final String ABORTED = "aborted";

  /** The span name's method for one the conventions do not know. */
  private static final String OTHER_METHOD = "HTTP";

  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";
  private static final String BAGGAGE = "baggage";

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  TracingFilter(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /** The spans of one exchange. Accessed only from its event loop. */
  private static final class TracedExchange {
    final Span server;
    final Context serverContext;
    // "GET" ... or "HTTP" for a method the conventions do not know; the CLIENT spans' name.
    final String spanMethod;
    Span client;
    // ExchangeStats.attempts() when the current client span started; the same count at the next
    // attempt means a stale pooled connection was replaced, which the stats do not count.
    int attemptsSeen;
    int reconnects;
    String errorType;

    TracedExchange(Span server, Context serverContext, String spanMethod) {
      this.server = server;
      this.serverContext = serverContext;
      this.spanMethod = spanMethod;
    }
  }

  @Override
  public void onRequest(RequestContext ctx, HttpRequest request) {
    Context parent = propagator.extract(Context.root(), request.headers(), HeaderGetter.INSTANCE);
    String method = RequestMetrics.methodLabel(ctx.stats().method());
    String spanMethod = method.equals("OTHER") ? OTHER_METHOD : method;
    Span server =
        tracer.spanBuilder(spanMethod).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
    if (server.isRecording()) {
      describeServer(server, ctx, request, spanMethod);
    }
    ctx.set(KEY, new TracedExchange(server, parent.with(server), spanMethod));
    ctx.stats().traceId(server.getSpanContext().getTraceId());
  }

  private static void describeServer(
      Span span, RequestContext ctx, HttpRequest request, String spanMethod) {
    ExchangeStats stats = ctx.stats();
    describeMethod(span, spanMethod, stats.method());
    span.setAttribute(URL_PATH, ctx.path());
    span.setAttribute(URL_SCHEME, ctx.secure() ? "https" : "http");
    if (ctx.host() != null) {
      span.setAttribute(SERVER_ADDRESS, ctx.host());
    }
    span.setAttribute(SERVER_PORT, ctx.listenerPort());
    span.setAttribute(
        NETWORK_PROTOCOL_VERSION, HttpSpanAttributes.protocolVersion(stats.protocol()));
    span.setAttribute(CLIENT_ADDRESS, ctx.clientIp());
    String userAgent = request.headers().get(HttpHeaderNames.USER_AGENT);
    if (userAgent != null) {
      span.setAttribute(USER_AGENT_ORIGINAL, userAgent);
    }
    span.setAttribute(WEIR_LISTENER, stats.listener());
    if (ctx.route() != null) {
      String route = RequestMetrics.routeLabel(ctx.route().name());
      span.setAttribute(HTTP_ROUTE, route);
      span.updateName(spanMethod + " " + route);
    }
  }

  @Override
  public void onUpstreamAttempt(RequestContext ctx, HttpRequest request) {
    TracedExchange x = ctx.get(KEY);
    if (x == null) {
      return;
    }
    int attempts = ctx.stats().attempts();
    if (x.client != null) {
      // A new attempt replaces one that failed (a retried status, a timeout, a stale connection).
      x.client.setStatus(StatusCode.ERROR);
      x.client.setAttribute(ERROR_TYPE, RETRIED);
      x.client.end();
      if (attempts == x.attemptsSeen) {
        x.reconnects++;
      }
    }
    x.attemptsSeen = attempts;
    Span client =
        tracer
            .spanBuilder(x.spanMethod)
            .setParent(x.serverContext)
            .setSpanKind(SpanKind.CLIENT)
            .startSpan();
    if (client.isRecording()) {
      describeClient(client, ctx, request, x.spanMethod, ctx.stats().retries() + x.reconnects);
    }
    x.client = client;
    // The upstream continues this span's trace: whatever the client sent is replaced.
    HttpHeaders headers = request.headers();
    headers.remove(TRACEPARENT);
    headers.remove(TRACESTATE);
    headers.remove(BAGGAGE);
    propagator.inject(x.serverContext.with(client), headers, HeaderSetter.INSTANCE);
  }

  /** The semantic conventions' method: one they know, else {@code _OTHER} and the original. */
  private static void describeMethod(Span span, String spanMethod, String method) {
    if (spanMethod.equals(OTHER_METHOD)) {
      span.setAttribute(HTTP_REQUEST_METHOD, "_OTHER");
      span.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, method);
    } else {
      span.setAttribute(HTTP_REQUEST_METHOD, spanMethod);
    }
  }

  private static void describeClient(
      Span span, RequestContext ctx, HttpRequest request, String spanMethod, int resends) {
    describeMethod(span, spanMethod, ctx.stats().method());
    UpstreamEndpoint endpoint = ctx.endpoint();
    UpstreamCluster cluster = ctx.cluster();
    if (endpoint != null) {
      span.setAttribute(SERVER_ADDRESS, endpoint.address());
      span.setAttribute(SERVER_PORT, endpoint.port());
      span.setAttribute(URL_FULL, urlFull(endpoint, request.uri()));
    }
    if (cluster != null) {
      span.setAttribute(WEIR_BACKEND, cluster.name());
      span.setAttribute(NETWORK_PROTOCOL_VERSION, cluster.h2c() ? "2" : "1.1");
    }
    if (resends > 0) {
      span.setAttribute(HTTP_REQUEST_RESEND_COUNT, resends);
    }
  }

  /** The upstream URL without its query, whose values may be secrets (semconv: url.full). */
  private static String urlFull(UpstreamEndpoint endpoint, String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String host =
        endpoint.address().indexOf(':') >= 0 ? "[" + endpoint.address() + "]" : endpoint.address();
    return (endpoint.tls() != null ? "https://" : "http://")
        + host
        + ":"
        + endpoint.port()
        + (path.startsWith("/") ? path : "/" + path);
  }

  @Override
  public void onResponse(RequestContext ctx, HttpResponse response) {
    TracedExchange x = ctx.get(KEY);
    if (x == null || x.client == null || !ctx.upstreamResponse() || !x.client.isRecording()) {
      return;
    }
    int status = response.status().code();
    x.client.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 400) {
      x.client.setStatus(StatusCode.ERROR);
      x.client.setAttribute(ERROR_TYPE, Integer.toString(status));
    }
  }

  @Override
  public void onError(RequestContext ctx, ProxyError error) {
    TracedExchange x = ctx.get(KEY);
    if (x == null) {
      return;
    }
    x.errorType = error.kind().name().toLowerCase(Locale.ROOT);
    if (x.client != null && error.source() == ProxyError.Source.UPSTREAM) {
      x.client.setStatus(StatusCode.ERROR);
      x.client.setAttribute(ERROR_TYPE, x.errorType);
    }
  }

  @Override
  public void onComplete(RequestContext ctx) {
    TracedExchange x = ctx.get(KEY);
    if (x == null) {
      return;
    }
    ctx.set(KEY, null);
    if (x.client != null) {
      x.client.end();
    }
    Span server = x.server;
    if (server.isRecording()) {
      int status = ctx.responseStatus();
      if (status > 0) {
        server.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
      }
      if (status >= 500 || status == 0) {
        server.setStatus(StatusCode.ERROR);
        String type = x.errorType != null ? x.errorType : status == 0 ? ABORTED : null;
        server.setAttribute(ERROR_TYPE, type != null ? type : Integer.toString(status));
      }
    }
    server.end();
  }

  /** Reads trace headers from a Netty head (names are case-insensitive there). */
  private enum HeaderGetter implements TextMapGetter<HttpHeaders> {
    INSTANCE;

    @Override
    public Iterable<String> keys(HttpHeaders carrier) {
      return carrier.names();
    }

    @Override
    public String get(HttpHeaders carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }

    @Override
    public Iterator<String> getAll(HttpHeaders carrier, String key) {
      return carrier == null ? Collections.emptyIterator() : carrier.getAll(key).iterator();
    }
  }

  /** Writes trace headers into a Netty head, replacing any of the same name. */
  private enum HeaderSetter implements TextMapSetter<HttpHeaders> {
    INSTANCE;

    @Override
    public void set(HttpHeaders carrier, String key, String value) {
      if (carrier != null) {
        carrier.set(key, value);
      }
    }
  }
}
