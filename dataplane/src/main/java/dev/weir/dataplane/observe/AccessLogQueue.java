package dev.weir.dataplane.observe;

import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The bounded hand-off between the event loops that make access-log lines and the one thread that
 * writes them: a lock-free multi-producer queue of fixed capacity, drained by a daemon thread
 * ({@code weir-access-log}) into a sink (in production, logback's {@code weir.access} logger).
 *
 * <p>{@link #offer} never blocks and never waits for the sink: when the queue is full the line is
 * dropped and counted ({@link #dropped}). So a slow or stuck stdout costs log lines, never request
 * latency. While the queue runs the count is exact: every line offered is either delivered to the
 * sink or counted as dropped (lines still queued when {@link #close} gives up waiting count as
 * dropped too).
 *
 * <p>Thread-safe: {@link #offer} from any thread; the sink is called from the writer thread only.
 */
final class AccessLogQueue implements AutoCloseable {

  private final Queue<String> queue;
  private final Consumer<String> sink;
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private volatile boolean parked;
  private volatile boolean running = true;

  /**
   * Starts the writer thread.
   *
   * @param capacity lines the queue holds (rounded up to a power of two)
   * @param sink where lines go, one call per line, from the writer thread
   */
  AccessLogQueue(int capacity, Consumer<String> sink) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.queue = PlatformDependent.newFixedMpscQueue(capacity);
    this.sink = sink;
    this.writer = new Thread(this::drain, "weir-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues {@code line} for the writer, or drops and counts it when the queue is full. */
  void offer(String line) {
    if (!running || !queue.offer(line)) {
      dropped.increment();
      return;
    }
    // The writer announces that it parks before its last look at the queue, so either it sees
    // this line or this sees its flag (both sides write, then read, volatile state).
    if (parked) {
      LockSupport.unpark(writer);
    }
  }

  /** Lines dropped because the queue was full (or closed). */
  long dropped() {
    return dropped.sum();
  }

  private void drain() {
    while (true) {
      String line = queue.poll();
      if (line != null) {
        deliver(line);
        continue;
      }
      if (!running) {
        return;
      }
      parked = true;
      if (queue.isEmpty() && running) {
        LockSupport.park(this);
      }
      parked = false;
    }
  }

  private void deliver(String line) {
    try {
      sink.accept(line);
    } catch (RuntimeException e) {
      // The sink is logback, which reports its own failures; one bad line must not stop the rest.
      dropped.increment();
    }
  }

  /**
   * Stops accepting lines and waits up to {@code timeout} for the writer to write what is queued.
   */
  void close(Duration timeout) {
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What the writer did not get to counts as dropped (the writer may still be stuck in the sink).
    if (writer.isAlive()) {
      dropped.add(queue.size());
    }
  }

  /** {@link #close(Duration)} with two seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}
