package dev.weir.dataplane.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What one access-log line costs the thread that makes it: the line's own bytes, and no more. */
class AccessLogFilterTest {

  @Test
  void aLineAllocatesLittleMoreThanItsString() {
    AtomicInteger written = new AtomicInteger();
    AtomicReference<String> last = new AtomicReference<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestContext ctx =
        new RequestContext(
            "10.0.0.7",
            false,
            "shop.example",
            "shop.example",
            "/shop/items/42",
            null,
            null,
            80,
            new ExchangeStats("gateway/80", "HTTP/1.1", "GET"));
    ctx.requestId("6f1c2a5e-1d4b-4c2a-9a33-0c1f2e3d4b5a");
    ctx.responseStatus(200);
    ctx.stats().attemptStarted(ctx.startNanos() + 10_000, new UpstreamEndpoint("10.1.0.5", 8080));
    ctx.stats().upstreamHead(ctx.startNanos() + 900_000);
    ctx.stats().firstByte(ctx.startNanos() + 950_000);
    ctx.stats().addResponseBytes(1234);
    try (AccessLogFilter filter =
        new AccessLogFilter(
            AccessLogFormat.JSON,
            1 << 16,
            line -> {
              last.set(line);
              written.incrementAndGet();
            },
            registry)) {
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (int i = 0; i < 20_000; i++) {
        filter.onComplete(ctx);
      }
      int n = 20_000;
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        filter.onComplete(ctx);
      }
      long perLine = (threads.getCurrentThreadAllocatedBytes() - before) / n;

      String line = last.get();
      assertThat(line).startsWith("{\"time\":").contains("\"endpoint\":\"10.1.0.5:8080\"");
      // A compact (Latin-1) String: its bytes plus two object headers; nothing per field.
      assertThat(perLine).isLessThan(line.length() + 96L);
      assertThat(registry.get("weir.access.log.lines").counter().count()).isEqualTo(2 * n);
    }
  }
}
