package dev.weir.dataplane.observe;

import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.upstream.UpstreamCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times every finished exchange, as the first filter of the chain (so its {@code
 * onComplete} runs last, after every other filter settled the outcome):
 *
 * <ul>
 *   <li>{@code weir_requests_total{listener,route,backend,method,status_class}};
 *   <li>{@code weir_request_duration_seconds{listener,route,backend,status_class}}: from the
 *       request head's arrival to the response's end, a histogram;
 *   <li>{@code weir_upstream_duration_seconds{listener,route,backend}}: from the first upstream
 *       attempt's start to the upstream response's end, retries included;
 *   <li>{@code weir_time_to_first_byte_seconds{listener,route,backend}}: from the request head's
 *       arrival to the response head going to the client;
 *   <li>{@code weir_request_bytes_total} and {@code weir_response_bytes_total}
 *       {listener,route,backend}: body bytes from and to the client;
 *   <li>{@code weir_retries_total{listener,route,backend}}: upstream attempts after the first.
 * </ul>
 *
 * <p>Labels are bounded by the configuration, never by the traffic: {@code listener} is the
 * snapshot's listener name, {@code route} the Kubernetes object a route came from ({@code
 * kind/namespace/name}, {@code ""} when none matched), {@code backend} the cluster ({@code
 * namespace/service:port}), {@code method} one of the RFC 9110 methods or {@code OTHER}, {@code
 * status_class} {@code 1xx}…{@code 5xx}, or {@code none} when no response was sent.
 *
 * <p>Meters are looked up once per label set and kept; thread-safe.
 */
public final class RequestMetrics implements ProxyFilter {

  /** Histogram bucket bounds for request latencies: 1 ms to 30 s. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"
  };

  private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final ConcurrentHashMap<RequestKey, RequestMeters> byRequest = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TargetKey, TargetMeters> byTarget = new ConcurrentHashMap<>();

  RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private record TargetKey(String listener, String routeName, String backend) {}

  private record RequestKey(TargetKey target, String method, int statusClass) {}

  /** The meters of one listener, route and backend. */
  private record TargetMeters(
      Timer upstream,
      Timer firstByte,
      Counter requestBytes,
      Counter responseBytes,
      Counter retries,
      Timer[] durationByStatus) {}

  /** The meters of one full label set. */
  private record RequestMeters(TargetMeters target, Counter requests, Timer duration) {}

  @Override
  public void onComplete(RequestContext ctx) {
    long now = System.nanoTime();
    ExchangeStats stats = ctx.stats();
    RouteEntry route = ctx.route();
    UpstreamCluster cluster = ctx.cluster();
    TargetKey target =
        new TargetKey(
            stats.listener(),
            route == null ? "" : route.name(),
            cluster == null ? "" : cluster.name());
    RequestKey key =
        new RequestKey(target, methodLabel(stats.method()), statusClass(ctx.responseStatus()));
    RequestMeters meters = byRequest.get(key);
    if (meters == null) {
      meters = byRequest.computeIfAbsent(key, this::register);
    }
    meters.requests().increment();
    meters.duration().record(now - ctx.startNanos(), TimeUnit.NANOSECONDS);
    TargetMeters t = meters.target();
    long upstream = stats.upstreamNanos();
    if (upstream >= 0) {
      t.upstream().record(upstream, TimeUnit.NANOSECONDS);
    }
    long firstByte = stats.timeToFirstByteNanos(ctx.startNanos());
    if (firstByte >= 0) {
      t.firstByte().record(firstByte, TimeUnit.NANOSECONDS);
    }
    if (stats.requestBytes() > 0) {
      t.requestBytes().increment(stats.requestBytes());
    }
    if (stats.responseBytes() > 0) {
      t.responseBytes().increment(stats.responseBytes());
    }
    if (stats.retries() > 0) {
      t.retries().increment(stats.retries());
    }
  }

  /**
   * The label of a route: the Kubernetes object it came from, the first three segments of its
   * snapshot name ({@code httproute/default/shop/r0/m0} is {@code httproute/default/shop}).
   */
  static String routeLabel(String routeName) {
    int slashes = 0;
    for (int i = 0; i < routeName.length(); i++) {
      if (routeName.charAt(i) == '/' && ++slashes == 3) {
        return routeName.substring(0, i);
      }
    }
    return routeName;
  }

  /** One of the RFC 9110 methods (and PATCH) as sent, else {@code OTHER}. */
  static String methodLabel(String method) {
    for (String m : METHODS) {
      if (m.equals(method)) {
        return m;
      }
    }
    return "OTHER";
  }

  /** 0 for no response, else the status's first digit (1 to 5). */
  private static int statusClass(int status) {
    return status >= 100 && status < 600 ? status / 100 : 0;
  }

  private RequestMeters register(RequestKey key) {
    TargetMeters target = byTarget.computeIfAbsent(key.target(), this::registerTarget);
    String statusClass = STATUS_CLASSES[key.statusClass()];
    Counter requests =
        Counter.builder("weir.requests")
            .description("Requests answered, by listener, route, backend, method and status class")
            .tags(targetTags(key.target()))
            .tag("method", key.method())
            .tag("status_class", statusClass)
            .register(registry);
    return new RequestMeters(target, requests, target.durationByStatus()[key.statusClass()]);
  }

  private TargetMeters registerTarget(TargetKey key) {
    String[] tags = targetTags(key);
    Timer[] durations = new Timer[STATUS_CLASSES.length];
    for (int i = 0; i < durations.length; i++) {
      durations[i] =
          latency("weir.request.duration", "From the request head to the response's end", tags)
              .tag("status_class", STATUS_CLASSES[i])
              .register(registry);
    }
    return new TargetMeters(
        latency(
                "weir.upstream.duration",
                "From the first upstream attempt to the upstream response's end",
                tags)
            .register(registry),
        latency(
                "weir.time.to.first.byte",
                "From the request head to the response head sent to the client",
                tags)
            .register(registry),
        Counter.builder("weir.request.bytes")
            .description("Request body bytes read from clients")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry),
        Counter.builder("weir.response.bytes")
            .description("Response body bytes written to clients")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry),
        Counter.builder("weir.retries")
            .description("Upstream attempts after the first")
            .tags(tags)
            .register(registry),
        durations);
  }

  private static Timer.Builder latency(String name, String description, String[] tags) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .tags(tags);
  }

  private static String[] targetTags(TargetKey key) {
    return new String[] {
      "listener", key.listener(), "route", routeLabel(key.routeName()), "backend", key.backend()
    };
  }
}
