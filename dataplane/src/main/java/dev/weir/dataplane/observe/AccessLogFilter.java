package dev.weir.dataplane.observe;

import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Consumer;

/**
 * Writes one access-log line per finished exchange ({@link AccessLogLine}), in {@code onComplete}:
 * an observer placed right after the request meters, so it sees the outcome every other filter
 * settled, a tracing filter's trace id included.
 *
 * <p>The line is built in a per-thread {@link StringBuilder}, so a request costs one {@code String}
 * (ASCII, one byte per character), and handed to an {@link AccessLogQueue} that never blocks the
 * event loop. Meters: {@code weir_access_log_lines_total} (lines made) and {@code
 * weir_access_log_dropped_total} (lines lost because the writer fell behind; written = lines −
 * dropped).
 *
 * <p>Thread-safe; {@link #close} once at shutdown.
 */
public final class AccessLogFilter implements ProxyFilter, AutoCloseable {

  /** Lines the queue holds before it drops: about 4 MiB of typical lines. */
  static final int DEFAULT_QUEUE_CAPACITY = 8192;

  /** A builder that grew past this for a hostile request is not kept for the next one. */
  private static final int MAX_KEPT_CAPACITY = 16 * 1024;

  private static final FastThreadLocal<StringBuilder> BUFFER =
      new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
          return new StringBuilder(512);
        }
      };

  private final boolean json;
  private final AccessLogQueue queue;
  private final Counter lines;

  /**
   * Starts the writer thread and registers the meters.
   *
   * @param format {@link AccessLogFormat#JSON} or {@link AccessLogFormat#TEXT}
   * @param queueCapacity lines waiting for the writer before new ones are dropped
   * @param sink where lines go, from the writer thread
   * @param registry where the meters go
   */
  AccessLogFilter(
      AccessLogFormat format, int queueCapacity, Consumer<String> sink, MeterRegistry registry) {
    if (format == AccessLogFormat.OFF) {
      throw new IllegalArgumentException("an access log filter needs a format");
    }
    this.json = format == AccessLogFormat.JSON;
    this.queue = new AccessLogQueue(queueCapacity, sink);
    this.lines =
        Counter.builder("weir.access.log.lines")
            .description("Access-log lines made (written = lines - dropped)")
            .register(registry);
    FunctionCounter.builder("weir.access.log.dropped", queue, AccessLogQueue::dropped)
        .description("Access-log lines dropped because the writer fell behind")
        .register(registry);
  }

  @Override
  public void onComplete(RequestContext ctx) {
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    StringBuilder out = BUFFER.get();
    out.setLength(0);
    if (json) {
      AccessLogLine.json(out, ctx, nowNanos, nowMillis);
    } else {
      AccessLogLine.text(out, ctx, nowNanos, nowMillis);
    }
    String line = out.toString();
    if (out.capacity() > MAX_KEPT_CAPACITY) {
      BUFFER.set(new StringBuilder(512));
    }
    lines.increment();
    queue.offer(line);
  }

  /** Stops the writer after it wrote what is queued, waiting at most two seconds. */
  @Override
  public void close() {
    queue.close();
  }
}
