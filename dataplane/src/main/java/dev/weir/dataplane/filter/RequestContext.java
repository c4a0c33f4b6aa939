package dev.weir.dataplane.filter;

import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The state of one exchange that filters read and change: created when the request head arrives,
 * dropped after {@link ProxyFilter#onComplete}. Filters share typed fields here instead of a
 * string-keyed map.
 *
 * <p>Accessed only from the downstream channel's event loop.
 */
public final class RequestContext {

  private final String clientIp;
  private final boolean secure;
  private final String originalHost;
  private final String host;
  private final String path;
  private final RouteEntry route;
  private final int listenerPort;
  private final String query;
  private final long startNanos;
  private final ExchangeStats stats;
  private Backend backend;
  private boolean upstreamResponse;
  private String requestId;
  private UpstreamEndpoint endpoint;
  private PickRequest pick = PickRequest.NONE;
  private String sessionToken;
  private UpstreamEndpoint sessionEndpoint;
  private Answer earlyAnswer;
  private int responseStatus;
  private ProxyError error;
  private String corsOrigin;
  private boolean webSocketUpgrade;
  private ScheduledExecutorService executor;
  private CompletionStage<?> deferral;
  private RateLimitOutcome rateLimit;
  private boolean acceptsGzip;
  private boolean watchResponseBody;
  // Filters' own state; most requests have none, so it is made on first use.
  private IdentityHashMap<ContextKey<?>, Object> attachments;

  /**
   * @param clientIp the client's IP address as text
   * @param secure whether the client connected with TLS
   * @param originalHost the Host the client sent (or the absolute-form authority), may be null
   * @param host the normalised host routing used, may be null
   * @param path the normalised path routing used
   * @param query the query without {@code "?"}, or null
   * @param route the matched route, or {@code null}
   * @param listenerPort the port the request arrived on
   */
  public RequestContext(
      String clientIp,
      boolean secure,
      String originalHost,
      String host,
      String path,
      String query,
      RouteEntry route,
      int listenerPort) {
    this(
        clientIp,
        secure,
        originalHost,
        host,
        path,
        query,
        route,
        listenerPort,
        new ExchangeStats("", "HTTP/1.1", "GET"));
  }

  /**
   * As the constructor above, with what the proxy measures about the exchange.
   *
   * @param stats the protocol, method, bytes and times, filled in by the proxy core
   */
  public RequestContext(
      String clientIp,
      boolean secure,
      String originalHost,
      String host,
      String path,
      String query,
      RouteEntry route,
      int listenerPort,
      ExchangeStats stats) {
    this.stats = Objects.requireNonNull(stats, "stats");
    this.query = query;
    this.listenerPort = listenerPort;
    this.clientIp = Objects.requireNonNull(clientIp, "clientIp");
    this.secure = secure;
    this.originalHost = originalHost;
    this.host = host;
    this.path = Objects.requireNonNull(path, "path");
    this.route = route;
    this.startNanos = System.nanoTime();
  }

  /** An early answer set by {@code onRequest}: an error or a direct response. */
  public sealed interface Answer {
    /** Answer with the mapped error response. */
    record Error(ProxyError error) implements Answer {}

    /** Answer with a fixed status and body. */
    record Direct(int status, String body) implements Answer {}

    /** Answer with an empty redirect response to {@code location}. */
    record Redirect(int status, String location) implements Answer {}

    /** Answer with the proxy's text response for {@code status} (an error backend's share). */
    record Status(int status) implements Answer {}

    /**
     * Answer with {@code status}, {@code headers} and {@code body} as given (an authentication
     * refusal: a 401 with {@code WWW-Authenticate}, or an authorization service's own answer). The
     * body array is not copied; do not change it afterwards.
     */
    record Reply(int status, HttpHeaders headers, byte[] body) implements Answer {
      public Reply {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
      }
    }

    /**
     * Answer with a stored response (a cache hit): {@code headers} as given, their Content-Length
     * included, which stays the stored body's length when {@code body} is empty for a HEAD or a 304
     * (RFC 9110 §8.6). The body array is not copied; do not change it afterwards.
     */
    record Stored(int status, HttpHeaders headers, byte[] body) implements Answer {
      public Stored {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
      }
    }

    /** Answer with an empty response carrying {@code headers} (a CORS preflight). */
    record Empty(int status, HttpHeaders headers) implements Answer {
      public Empty {
        Objects.requireNonNull(headers, "headers");
      }
    }
  }

  public String clientIp() {
    return clientIp;
  }

  public boolean secure() {
    return secure;
  }

  /** The Host header as the client sent it, or null. */
  public String originalHost() {
    return originalHost;
  }

  /** The normalised host used for routing, or null. */
  public String host() {
    return host;
  }

  public String path() {
    return path;
  }

  /** The matched route, or {@code null} when none matched. */
  public RouteEntry route() {
    return route;
  }

  /** The query the client sent, without {@code "?"}, or null. */
  public String query() {
    return query;
  }

  /** The port of the listener the request arrived on. */
  public int listenerPort() {
    return listenerPort;
  }

  /** The backend chosen for a forwarding route, or {@code null}. */
  public Backend backend() {
    return backend;
  }

  /** Sets the backend; once per exchange, by the routing filter. */
  public void backend(Backend backend) {
    this.backend = backend;
  }

  /** The chosen backend's cluster, or {@code null}. */
  public UpstreamCluster cluster() {
    return backend == null ? null : backend.cluster();
  }

  /** Whether the response being sent came from the upstream (not made by the proxy). */
  public boolean upstreamResponse() {
    return upstreamResponse;
  }

  public void upstreamResponse(boolean fromUpstream) {
    this.upstreamResponse = fromUpstream;
  }

  public long startNanos() {
    return startNanos;
  }

  /** What the proxy measured about this exchange so far. */
  public ExchangeStats stats() {
    return stats;
  }

  /** The request id, set by the request-id filter. */
  public String requestId() {
    return requestId;
  }

  public void requestId(String id) {
    this.requestId = id;
  }

  /** The endpoint chosen by {@code selectUpstream}, or null. */
  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  public void endpoint(UpstreamEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** The request's hash key for the cluster's balancer, read once by the routing filter. */
  public PickRequest pick() {
    return pick;
  }

  public void pick(PickRequest pick) {
    this.pick = Objects.requireNonNull(pick, "pick");
  }

  /** The session token the request carried for its cluster, or null. */
  public String sessionToken() {
    return sessionToken;
  }

  public void sessionToken(String token) {
    this.sessionToken = token;
  }

  /**
   * The endpoint the request's session token names, until the session filter applied it; or null.
   */
  public UpstreamEndpoint sessionEndpoint() {
    return sessionEndpoint;
  }

  public void sessionEndpoint(UpstreamEndpoint endpoint) {
    this.sessionEndpoint = endpoint;
  }

  /** Ends the request phases: the proxy answers with {@code answer} instead of forwarding. */
  public void answer(Answer answer) {
    this.earlyAnswer = Objects.requireNonNull(answer, "answer");
  }

  /** The early answer, or null. */
  public Answer earlyAnswer() {
    return earlyAnswer;
  }

  /** The status sent downstream, 0 until a response head was sent. */
  public int responseStatus() {
    return responseStatus;
  }

  public void responseStatus(int status) {
    this.responseStatus = status;
  }

  /** The error that ended the exchange, or null. */
  public ProxyError error() {
    return error;
  }

  public void error(ProxyError error) {
    this.error = error;
  }

  /** The request's allowed CORS origin, set for actual (non-preflight) CORS requests, or null. */
  public String corsOrigin() {
    return corsOrigin;
  }

  public void corsOrigin(String origin) {
    this.corsOrigin = origin;
  }

  /**
   * Whether this is an HTTP/1.1 WebSocket opening handshake (RFC 6455 §4.1) that the proxy tunnels
   * if the upstream answers 101; its {@code Connection: Upgrade} and {@code Upgrade: websocket}
   * survive the hop-by-hop filter.
   */
  public boolean webSocketUpgrade() {
    return webSocketUpgrade;
  }

  public void webSocketUpgrade(boolean upgrade) {
    this.webSocketUpgrade = upgrade;
  }

  /**
   * The downstream channel's event loop, for filters that wait ({@link #defer}); null outside a
   * channel (unit tests).
   */
  public ScheduledExecutorService executor() {
    return executor;
  }

  public void executor(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /**
   * Suspends the request phase: the filter calling this from {@code onRequest} is done, and the
   * chain resumes with the next filter's {@code onRequest} on the channel's event loop once {@code
   * stage} completes (see {@link ProxyFilter} for the contract).
   */
  public void defer(CompletionStage<?> stage) {
    this.deferral = Objects.requireNonNull(stage, "stage");
  }

  /** The pending deferral, cleared by this call; null when the phase was not suspended. */
  public CompletionStage<?> takeDeferral() {
    CompletionStage<?> d = deferral;
    deferral = null;
    return d;
  }

  /** Whether a filter suspended the request phase and it has not been resumed yet. */
  public boolean deferred() {
    return deferral != null;
  }

  /** The rate limit's verdict for this request, or null when the route has no rate limit. */
  public RateLimitOutcome rateLimit() {
    return rateLimit;
  }

  public void rateLimit(RateLimitOutcome outcome) {
    this.rateLimit = outcome;
  }

  /**
   * Whether the client accepts a gzip response (RFC 9110 §12.5.3), set by the compression filter.
   */
  public boolean acceptsGzip() {
    return acceptsGzip;
  }

  public void acceptsGzip(boolean accepts) {
    this.acceptsGzip = accepts;
  }

  /**
   * Asks for the body phase ({@link ProxyFilter#onResponseBody}) for this response; called from
   * {@code onResponse} by a filter that observes or transforms the body (the cache, compression).
   */
  public void watchResponseBody() {
    this.watchResponseBody = true;
  }

  /** Whether some filter asked for the body phase of this response. */
  public boolean watchingResponseBody() {
    return watchResponseBody;
  }

  /** The value a filter stored under {@code key} for this request, or null. */
  @SuppressWarnings("unchecked")
  public <T> T get(ContextKey<T> key) {
    return attachments == null ? null : (T) attachments.get(key);
  }

  /** Stores {@code value} under {@code key} for this request (null removes it). */
  public <T> void set(ContextKey<T> key, T value) {
    if (value == null) {
      if (attachments != null) {
        attachments.remove(key);
      }
      return;
    }
    if (attachments == null) {
      attachments = new IdentityHashMap<>(4);
    }
    attachments.put(key, value);
  }
}
