package dev.weir.bench;

import dev.weir.bench.SyntheticSnapshots.Layout;
import dev.weir.dataplane.config.CompileStep;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the request meters cost per finished exchange ({@code RequestMetrics.onComplete}): the meter
 * lookup by listener, route, backend, method and status class, one counter, up to three histogram
 * records and the byte counters. {@link #contextOnly} measures making the context and its stats
 * alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestMetricsBenchmark {

  private static final String HOST = "app3.example.com";
  private static final UpstreamEndpoint ENDPOINT = new UpstreamEndpoint("10.0.0.7", 8080);

  private final ProxyFilter metrics = Telemetry.create().requests();
  private RouteEntry route;

  @Setup
  public void setUp() {
    route =
        new CompileStep()
            .compile(SyntheticSnapshots.routes(100, Layout.HOSTS))
            .listener(SyntheticSnapshots.PORT)
            .routes()
            .match(
                HOST,
                "/web/account/settings",
                new RouteRequest("GET", new DefaultHttpHeaders(), null));
    if (route == null) {
      throw new IllegalStateException("the /web route did not match");
    }
  }

  private RequestContext context() {
    ExchangeStats stats = new ExchangeStats("gateway/80", "HTTP/1.1", "GET");
    RequestContext ctx =
        new RequestContext(
            "198.51.100.23",
            false,
            HOST,
            HOST,
            "/web/account/settings",
            null,
            route,
            SyntheticSnapshots.PORT,
            stats);
    ctx.backend(((RouteAction.Forward) route.action()).backends().pick());
    long now = System.nanoTime();
    stats.attemptStarted(now, ENDPOINT);
    stats.upstreamHead(now + 1_000);
    stats.firstByte(now + 2_000);
    stats.addResponseBytes(1024);
    stats.upstreamEnd(now + 3_000);
    ctx.responseStatus(200);
    return ctx;
  }

  /** The baseline: a context with its stats filled in, as the proxy core leaves it. */
  @Benchmark
  public void contextOnly(Blackhole bh) {
    bh.consume(context());
  }

  /** The same, then the request meters record it. */
  @Benchmark
  public void record(Blackhole bh) {
    RequestContext ctx = context();
    metrics.onComplete(ctx);
    bh.consume(ctx);
  }
}
