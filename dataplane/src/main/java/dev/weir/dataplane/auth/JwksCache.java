package dev.weir.dataplane.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The signing keys of one JWT provider: an inline JWKS, fixed; or a JWKS fetched from a URL, shared
 * by every connection and event loop of the route, and refreshed:
 *
 * <ul>
 *   <li>the first request starts the fetch and waits for it (the proxy defers, never blocks);
 *       concurrent requests join the same fetch;
 *   <li>after {@code ttl}, the next request starts a refetch in the background and keeps verifying
 *       with the stale keys meanwhile (also when the refetch fails: stale keys beat none);
 *   <li>a token whose {@code kid} no key has may be signed with a rotated key: it triggers a
 *       refetch, at most once per {@link #UNKNOWN_KID_INTERVAL}, so tokens with random kids cannot
 *       hammer the JWKS endpoint;
 *   <li>after a failed fetch with no keys at all, requests fail at once for {@link
 *       #FAILURE_INTERVAL} before a new fetch is tried.
 * </ul>
 *
 * <p>Thread-safe: read from every event loop, completed on the HTTP client's threads. Lock-free.
 */
public final class JwksCache {

  /** The least time between two refetches caused by unknown key ids. */
  public static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);

  /** How long a failed first fetch is reused before the next try. */
  public static final Duration FAILURE_INTERVAL = Duration.ofSeconds(2);

  private record Fetched(JwkKeys keys, long atNanos) {}

  private final URI uri;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final AtomicReference<Fetched> current = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<JwkKeys>> inFlight = new AtomicReference<>();
  private final AtomicLong lastUnknownKidFetch;
  private final AtomicLong fetches = new AtomicLong();
  private volatile CompletableFuture<JwkKeys> lastFailure;
  private volatile long lastFailureNanos;

  private JwksCache(URI uri, JwkKeys keys, Duration ttl, LongSupplier nanoClock) {
    this.uri = uri;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (keys != null) {
      current.set(new Fetched(keys, nanoClock.getAsLong()));
    }
    this.lastUnknownKidFetch =
        new AtomicLong(nanoClock.getAsLong() - UNKNOWN_KID_INTERVAL.toNanos());
  }

  /** Fixed keys from an inline JWKS. */
  public static JwksCache inline(JwkKeys keys) {
    return new JwksCache(null, Objects.requireNonNull(keys, "keys"), Duration.ZERO, () -> 0);
  }

  /**
   * Keys fetched from {@code uri} and kept for {@code ttl}.
   *
   * @param nanoClock a monotonic clock ({@code System::nanoTime})
   */
  public static JwksCache remote(URI uri, Duration ttl, LongSupplier nanoClock) {
    return new JwksCache(Objects.requireNonNull(uri, "uri"), null, ttl, nanoClock);
  }

  /** The JWKS URL, or null for inline keys. */
  public URI uri() {
    return uri;
  }

  /** How many fetches were started. */
  public long fetches() {
    return fetches.get();
  }

  /**
   * The keys to verify with now, or {@code null} when none were fetched yet ({@link #load}). Stale
   * keys start a background refetch and are still returned.
   */
  public JwkKeys current(JwksFetcher fetcher) {
    Fetched f = current.get();
    if (f == null) {
      return null;
    }
    if (uri != null && nanoClock.getAsLong() - f.atNanos() >= ttlNanos) {
      fetch(fetcher);
    }
    return f.keys();
  }

  /** Fetches the keys, joining a fetch in flight; a recent failure is returned as is. */
  public CompletableFuture<JwkKeys> load(JwksFetcher fetcher) {
    CompletableFuture<JwkKeys> failed = lastFailure;
    if (failed != null
        && nanoClock.getAsLong() - lastFailureNanos < FAILURE_INTERVAL.toNanos()
        && current.get() == null) {
      return failed;
    }
    return fetch(fetcher);
  }

  /**
   * Refetches because a token named an unknown key id, or returns {@code null} when the last such
   * refetch was less than {@link #UNKNOWN_KID_INTERVAL} ago (or the keys are inline).
   */
  public CompletableFuture<JwkKeys> refetchForUnknownKid(JwksFetcher fetcher) {
    if (uri == null) {
      return null;
    }
    long now = nanoClock.getAsLong();
    long last = lastUnknownKidFetch.get();
    if (now - last < UNKNOWN_KID_INTERVAL.toNanos()
        || !lastUnknownKidFetch.compareAndSet(last, now)) {
      return null;
    }
    return fetch(fetcher);
  }

  private CompletableFuture<JwkKeys> fetch(JwksFetcher fetcher) {
    CompletableFuture<JwkKeys> mine = new CompletableFuture<>();
    CompletableFuture<JwkKeys> running = inFlight.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    fetches.incrementAndGet();
    CompletableFuture<String> body;
    try {
      body = fetcher.fetch(uri);
    } catch (RuntimeException e) {
      body = CompletableFuture.failedFuture(e);
    }
    body.thenApply(JwksCache::parse)
        .whenComplete(
            (keys, error) -> {
              if (error == null) {
                current.set(new Fetched(keys, nanoClock.getAsLong()));
              } else {
                lastFailureNanos = nanoClock.getAsLong();
                lastFailure = mine;
              }
              inFlight.set(null);
              if (error == null) {
                mine.complete(keys);
              } else {
                mine.completeExceptionally(error);
              }
            });
    return mine;
  }

  private static JwkKeys parse(String json) {
    try {
      return JwkKeys.parse(json);
    } catch (java.text.ParseException e) {
      throw new CompletionException("JWKS does not parse: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return uri == null ? "inline JWKS" : "JWKS " + uri;
  }
}
