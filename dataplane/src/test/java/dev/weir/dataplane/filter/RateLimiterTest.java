package dev.weir.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.routing.RateLimitSettings;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a fake clock: refill, burst, retry times and the bounded key map. */
class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative

  private RateLimiter limiter(long requests, long intervalMs, long burst, int maxKeys) {
    return new RateLimiter(
        new RateLimitSettings(
            "r", requests, intervalMs, burst, new RateLimitSettings.Key.ClientIp(), maxKeys),
        now::get);
  }

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000L);
  }

  @Test
  void bucketAllowsItsSizeThenRefusesUntilRefilled() {
    RateLimiter l = limiter(3, 1000, 3, 10);
    assertThat(l.take("a").remaining()).isEqualTo(2);
    assertThat(l.take("a").remaining()).isEqualTo(1);
    assertThat(l.take("a").remaining()).isEqualTo(0);
    RateLimitOutcome refused = l.take("a");
    assertThat(refused.allowed()).isFalse();
    // One token every 333 ms: Retry-After rounds 333 ms up to 1 s.
    assertThat(refused.resetSeconds()).isEqualTo(1);
    assertThat(refused.quota()).isEqualTo(3);
    assertThat(refused.windowSeconds()).isEqualTo(1);
    advanceMillis(300);
    assertThat(l.take("a").allowed()).isFalse();
    advanceMillis(34);
    assertThat(l.take("a").allowed()).isTrue();
    assertThat(l.take("a").allowed()).isFalse();
  }

  @Test
  void burstSavesUpMoreThanOneInterval() {
    RateLimiter l = limiter(1, 1000, 5, 10);
    for (int i = 0; i < 5; i++) {
      assertThat(l.take("a").allowed()).as("request %d", i).isTrue();
    }
    RateLimitOutcome refused = l.take("a");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.resetSeconds()).isEqualTo(1);
    advanceMillis(10_000);
    assertThat(l.take("a").remaining()).isEqualTo(4);
  }

  @Test
  void aBurstSmallerThanTheRateSmoothsIt() {
    // 50 per second, at most 5 back to back: one token every 20 ms.
    RateLimiter l = limiter(50, 1000, 5, 10);
    for (int i = 0; i < 5; i++) {
      assertThat(l.take("a").allowed()).as("request %d", i).isTrue();
    }
    assertThat(l.take("a").allowed()).isFalse();
    advanceMillis(20);
    assertThat(l.take("a").allowed()).isTrue();
    assertThat(l.take("a").allowed()).isFalse();
    // A second later the bucket is full again, but holds only 5.
    advanceMillis(1000);
    for (int i = 0; i < 5; i++) {
      assertThat(l.take("a").allowed()).isTrue();
    }
    assertThat(l.take("a").allowed()).isFalse();
  }

  @Test
  void longRetryIsRoundedUpToWholeSeconds() {
    RateLimiter l = limiter(1, 2500, 1, 10);
    l.take("a");
    assertThat(l.take("a").resetSeconds()).isEqualTo(3);
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    RateLimiter l = limiter(1, 1000, 1, 10);
    assertThat(l.take("a").allowed()).isTrue();
    assertThat(l.take("a").allowed()).isFalse();
    assertThat(l.take("b").allowed()).isTrue();
  }

  @Test
  void keyMapStaysBoundedAndDropsTheLeastRecentlyUsed() {
    RateLimiter l = limiter(1, 60_000, 1, 16);
    for (int i = 0; i < 100; i++) {
      l.take("k" + i);
      advanceMillis(1);
    }
    assertThat(l.size()).isLessThanOrEqualTo(16);
    // The most recent key kept its (empty) bucket.
    assertThat(l.take("k99").allowed()).isFalse();
  }

  @Test
  void limiterIsIdleOnceEveryBucketRefilled() {
    RateLimiter l = limiter(2, 1000, 2, 10);
    l.take("a");
    assertThat(l.idle()).isFalse();
    advanceMillis(500);
    assertThat(l.idle()).isTrue();
  }

  @Test
  void concurrentTakersNeverGetMoreThanTheBucket() throws Exception {
    RateLimiter l = limiter(1000, 60_000, 1000, 10);
    AtomicLong allowed = new AtomicLong();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      if (l.take("a").allowed()) {
                        allowed.incrementAndGet();
                      }
                    }
                  });
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(allowed.get()).isEqualTo(1000);
  }
}
