package dev.weir.bench;

import dev.weir.bench.SyntheticSnapshots.Layout;
import dev.weir.dataplane.config.CompileStep;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import dev.weir.dataplane.routing.RouteTableMatcher;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One route lookup ({@link RouteTableMatcher#match}, as the proxy does per request) in a table the
 * data plane's real compile step built from a generated snapshot ({@link SyntheticSnapshots}). Each
 * invocation takes the next of 64 pre-built requests over random groups: exact, prefix, regex and
 * header-conditional hits, wildcard hosts, and path and host misses (one in four misses). The
 * {@link RouteRequest} is created per lookup, as the proxy does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {

  /** Routes in the table. */
  @Param({"10", "10000"})
  public int routes;

  /** Many hosts with ten routes each, or all routes on one host. */
  @Param({"HOSTS", "ONE_HOST"})
  public Layout layout;

  private RouteTableMatcher table;
  private Lookup[] lookups;
  private int next;

  /** One request's routing inputs, and whether a route should serve it. */
  private record Lookup(
      String host, String path, String method, HttpHeaders headers, boolean hit) {}

  @Setup
  public void setUp() {
    table =
        new CompileStep()
            .compile(SyntheticSnapshots.routes(routes, layout))
            .listener(SyntheticSnapshots.PORT)
            .routes();
    Random random = new Random(7);
    int groups = SyntheticSnapshots.groups(routes);
    lookups = new Lookup[64];
    for (int i = 0; i < lookups.length; i++) {
      lookups[i] = lookup(i % 8, random.nextInt(groups), random);
    }
    for (Lookup l : lookups) {
      RouteEntry r = table.match(l.host(), l.path(), request(l));
      if ((r != null) != l.hit()) {
        throw new IllegalStateException("unexpected " + (r == null ? "miss" : "hit") + ": " + l);
      }
    }
  }

  private Lookup lookup(int kind, int g, Random random) {
    String host = layout.host(g);
    String p = layout.pathPrefix(g);
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0");
    headers.add("accept", "application/json");
    return switch (kind) {
      case 0 -> new Lookup(host, p + "/healthz", "GET", headers, true);
      case 1 ->
          new Lookup(host, p + "/api/v1/orders/" + random.nextInt(100_000), "GET", headers, true);
      case 2 ->
          new Lookup(host, p + "/api/v2/items/" + random.nextInt(100_000), "GET", headers, true);
      case 3 -> {
        headers.add(SyntheticSnapshots.CANARY_HEADER, "true");
        yield new Lookup(host, p + "/api/v1/users/" + random.nextInt(1000), "POST", headers, true);
      }
      case 4 -> new Lookup(host, p + "/api/v1/users/" + random.nextInt(1000), "GET", headers, true);
      case 5 -> new Lookup(host, p + "/static/js/app.3f9c2.js", "GET", headers, true);
      case 6 -> new Lookup(host, p + "/wp-login.php", "GET", headers, false);
      default ->
          new Lookup("unknown" + g + ".example.org", "/web/index.html", "GET", headers, false);
    };
  }

  private static RouteRequest request(Lookup l) {
    return new RouteRequest(l.method(), l.headers(), null);
  }

  @Benchmark
  public void match(Blackhole bh) {
    Lookup l = lookups[next++ & 63];
    bh.consume(table.match(l.host(), l.path(), request(l)));
  }
}
