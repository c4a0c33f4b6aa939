package dev.weir.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends requests at a steady rate on keep-alive connections until stopped, and counts what came
 * back: successes, failures (an exception or a status outside the expected set) and the responses
 * per status. Thread-safe.
 */
final class LoadLoop implements AutoCloseable {

  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  /**
   * Starts sending {@code perSecond} requests a second, built by {@code request}; a response is
   * good when its status is 200.
   */
  LoadLoop(HttpClient client, Supplier<HttpRequest> request, int perSecond) {
    long periodMicros = 1_000_000L / perSecond;
    ticker.scheduleAtFixedRate(
        () -> {
          sent.incrementAndGet();
          inFlight.incrementAndGet();
          client
              .sendAsync(request.get(), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    inFlight.decrementAndGet();
                    if (error != null) {
                      failures.add(error.toString());
                      return;
                    }
                    byStatus
                        .computeIfAbsent(response.statusCode(), s -> new AtomicLong())
                        .incrementAndGet();
                    if (response.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failures.add(response.statusCode() + " " + response.body().strip());
                    }
                  });
        },
        0,
        periodMicros,
        TimeUnit.MICROSECONDS);
  }

  long ok() {
    return ok.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops sending and waits (up to 15 s) for the requests in flight. */
  @Override
  public void close() throws InterruptedException {
    ticker.shutdownNow();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // draining a fixed set of in-flight futures; nothing to await on
    }
  }

  @Override
  public String toString() {
    return "sent=" + sent + " ok=" + ok + " failures=" + failures.size() + " byStatus=" + byStatus;
  }
}
