package dev.weir.bench;

import dev.weir.bench.SyntheticSnapshots.Layout;
import dev.weir.dataplane.config.CompileStep;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.ForwardedHeadersFilter;
import dev.weir.dataplane.filter.HeaderModifierFilter;
import dev.weir.dataplane.filter.HopByHopFilter;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
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
 * The proxy's per-request header work on a browser's 12-field HTTP/1.1 request and a 9-field
 * upstream response: hop-by-hop removal ({@code Connection: keep-alive} is there, so the removal
 * runs), the {@code X-Forwarded-*} fields (an {@code X-Forwarded-For} from a CDN is extended), and
 * the matched route's and backend's header modifiers (set, add, remove), all in the built-in
 * chain's order. The filters edit messages in place, so each invocation starts from a fresh copy of
 * the headers, as the decoder would make; {@link #copyOnly} measures that copy alone, to subtract.
 * {@link #builtInChain} runs every built-in filter's every phase for one forwarded exchange.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderProcessingBenchmark {

  private static final String HOST = "app3.example.com";
  private static final String URI = "/web/account/settings?tab=security";

  private final FilterChain headerFilters =
      new FilterChain(
          List.of(new HopByHopFilter(), new ForwardedHeadersFilter(), new HeaderModifierFilter()));
  private final FilterChain builtIn = FilterChain.builtIn();
  private final HttpHeaders requestTemplate = new DefaultHttpHeaders();
  private final HttpHeaders responseTemplate = new DefaultHttpHeaders();
  private RouteEntry route;

  @Setup
  public void setUp() {
    requestTemplate
        .add("host", HOST)
        .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .add("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .add("accept-language", "en-GB,en;q=0.7,de;q=0.3")
        .add("accept-encoding", "gzip, deflate, br, zstd")
        .add("connection", "keep-alive")
        .add("cookie", "session=8c1f0e4a9b2d47f6a3e5c7d9b1f30a62; theme=dark; _ga=GA1.2.1234.5678")
        .add("referer", "https://app3.example.com/web/account")
        .add("upgrade-insecure-requests", "1")
        .add("sec-fetch-mode", "navigate")
        .add("x-forwarded-for", "203.0.113.7")
        .add("x-debug", "1");
    responseTemplate
        .add("content-type", "text/html; charset=utf-8")
        .add("content-length", "18231")
        .add("date", "Tue, 14 Jan 2025 10:00:00 GMT")
        .add("server", "gunicorn")
        .add("cache-control", "private, max-age=0")
        .add("connection", "keep-alive")
        .add("keep-alive", "timeout=5")
        .add("etag", "\"5e1f-17a3\"")
        .add("vary", "Accept-Encoding, Cookie");
    route =
        new CompileStep()
            .compile(SyntheticSnapshots.routes(100, Layout.HOSTS))
            .listener(SyntheticSnapshots.PORT)
            .routes()
            .match(HOST, "/web/account/settings", new RouteRequest("GET", requestTemplate, null));
    if (route == null || route.requestHeaders().isEmpty()) {
      throw new IllegalStateException("the /web route with header modifiers did not match");
    }
  }

  private HttpRequest request() {
    return new DefaultHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.GET, URI, requestTemplate.copy());
  }

  private HttpResponse response() {
    return new DefaultHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, responseTemplate.copy());
  }

  private RequestContext context() {
    RequestContext ctx =
        new RequestContext(
            "198.51.100.23",
            false,
            HOST,
            HOST,
            "/web/account/settings",
            "tab=security",
            route,
            SyntheticSnapshots.PORT);
    ctx.backend(((RouteAction.Forward) route.action()).backends().pick());
    return ctx;
  }

  /** The baseline: fresh request and response heads and a context, no filter. */
  @Benchmark
  public void copyOnly(Blackhole bh) {
    bh.consume(context());
    bh.consume(request());
    bh.consume(response());
  }

  /** Hop-by-hop, forwarded headers and header modifiers on the request going upstream. */
  @Benchmark
  public void requestHeaders(Blackhole bh) {
    HttpRequest request = request();
    RequestContext ctx = context();
    headerFilters.onUpstreamRequest(ctx, request);
    bh.consume(ctx);
    bh.consume(request);
    bh.consume(response());
  }

  /** The same filters on the response coming back (hop-by-hop and response modifiers). */
  @Benchmark
  public void responseHeaders(Blackhole bh) {
    HttpResponse response = response();
    RequestContext ctx = context();
    ctx.upstreamResponse(true);
    headerFilters.onResponse(ctx, response);
    bh.consume(ctx);
    bh.consume(request());
    bh.consume(response);
  }

  /**
   * Every phase of the built-in chain for one forwarded exchange: request id, CORS, routing and the
   * balancer's pick, session persistence, redirects, then the header filters both ways.
   */
  @Benchmark
  public void builtInChain(Blackhole bh) {
    HttpRequest request = request();
    HttpResponse response = response();
    RequestContext ctx = context();
    builtIn.onRequest(ctx, request);
    builtIn.selectUpstream(ctx);
    builtIn.onUpstreamRequest(ctx, request);
    ctx.upstreamResponse(true);
    builtIn.onResponse(ctx, response);
    builtIn.onComplete(ctx);
    bh.consume(ctx.endpoint());
    bh.consume(request);
    bh.consume(response);
  }
}
