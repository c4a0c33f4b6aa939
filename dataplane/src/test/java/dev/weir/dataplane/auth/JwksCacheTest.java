package dev.weir.dataplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The remote JWKS cache: one fetch shared, TTL refresh, rotation refetch and its rate limit. */
class JwksCacheTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<CompletableFuture<String>> calls = new ArrayList<>();
  private final JwksFetcher fetcher =
      uri -> {
        CompletableFuture<String> f = new CompletableFuture<>();
        calls.add(f);
        return f;
      };
  private final JwksCache cache =
      JwksCache.remote(URI.create("http://jwks"), Duration.ofSeconds(300), nanos::get);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void concurrentFirstRequestsShareOneFetch() {
    assertThat(cache.current(fetcher)).isNull();
    CompletableFuture<JwkKeys> a = cache.load(fetcher);
    CompletableFuture<JwkKeys> b = cache.load(fetcher);
    assertThat(calls).hasSize(1);
    calls.getFirst().complete(TestTokens.jwks(TestTokens.rsa("k1")));
    assertThat(a.join().hasKid("k1")).isTrue();
    assertThat(b.join()).isSameAs(a.join());
    assertThat(cache.current(fetcher).hasKid("k1")).isTrue();
    assertThat(cache.fetches()).isEqualTo(1);
  }

  @Test
  void staleKeysAreServedWhileARefetchRuns() {
    cache.load(fetcher);
    calls.getFirst().complete(TestTokens.jwks(TestTokens.rsa("k1")));
    advance(Duration.ofSeconds(299));
    cache.current(fetcher);
    assertThat(calls).hasSize(1);
    advance(Duration.ofSeconds(2));
    assertThat(cache.current(fetcher).hasKid("k1")).isTrue();
    assertThat(calls).hasSize(2);
    calls.get(1).completeExceptionally(new RuntimeException("down"));
    assertThat(cache.current(fetcher).hasKid("k1")).as("stale keys beat none").isTrue();
  }

  @Test
  void unknownKidRefetchPicksUpARotatedKeyAtMostOncePerInterval() {
    cache.load(fetcher);
    calls.getFirst().complete(TestTokens.jwks(TestTokens.rsa("k1")));
    CompletableFuture<JwkKeys> refetch = cache.refetchForUnknownKid(fetcher);
    assertThat(refetch).isNotNull();
    calls.get(1).complete(TestTokens.jwks(TestTokens.rsa("k2")));
    assertThat(cache.current(fetcher).hasKid("k2")).isTrue();
    assertThat(cache.refetchForUnknownKid(fetcher)).as("rate limited").isNull();
    advance(JwksCache.UNKNOWN_KID_INTERVAL.minusMillis(1));
    assertThat(cache.refetchForUnknownKid(fetcher)).isNull();
    advance(Duration.ofMillis(1));
    assertThat(cache.refetchForUnknownKid(fetcher)).isNotNull();
    assertThat(calls).hasSize(3);
  }

  @Test
  void failedFirstFetchIsReusedBrieflyThenRetried() {
    CompletableFuture<JwkKeys> first = cache.load(fetcher);
    calls.getFirst().complete("not json");
    assertThat(first).isCompletedExceptionally();
    assertThat(cache.load(fetcher)).isSameAs(first);
    assertThat(calls).hasSize(1);
    advance(JwksCache.FAILURE_INTERVAL);
    cache.load(fetcher);
    assertThat(calls).hasSize(2);
  }

  @Test
  void inlineKeysNeverFetch() throws Exception {
    JwksCache inline = JwksCache.inline(JwkKeys.parse(TestTokens.jwks(TestTokens.ec("e"))));
    assertThat(inline.current(fetcher).hasKid("e")).isTrue();
    assertThat(inline.refetchForUnknownKid(fetcher)).isNull();
    assertThat(calls).isEmpty();
  }
}
