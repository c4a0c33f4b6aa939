package dev.weir.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterLoadTest {

  @Test
  void limitIsNeverExceededUnderContention() throws Exception {
    ClusterLoad load = new ClusterLoad();
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < 1000; i++) {
                      if (load.tryRequest(5)) {
                        admitted.incrementAndGet();
                      }
                    }
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(admitted.get()).isEqualTo(5);
    assertThat(load.requests()).isEqualTo(5);
  }

  @Test
  void retryBudgetFollowsTheRequestsInFlight() {
    ClusterLoad load = new ClusterLoad();
    ClusterLimits limits =
        new ClusterLimits(0, 0, 0, 0, 0, 0, 0, 0, new ClusterLimits.RetryBudget(50, 1));
    for (int i = 0; i < 4; i++) {
      load.tryRequest(0);
    }
    // 50% of 4 in flight: two retries.
    assertThat(load.tryRetry(limits)).isTrue();
    assertThat(load.tryRetry(limits)).isTrue();
    assertThat(load.tryRetry(limits)).isFalse();
    load.retryDone();
    assertThat(load.tryRetry(limits)).isTrue();
  }

  @Test
  void maxRetriesCapsTheBudget() {
    ClusterLoad load = new ClusterLoad();
    ClusterLimits limits =
        new ClusterLimits(0, 0, 0, 1, 0, 0, 0, 0, new ClusterLimits.RetryBudget(100, 10));
    assertThat(load.tryRetry(limits)).isTrue();
    assertThat(load.tryRetry(limits)).isFalse();
  }

  @Test
  void closingAConnectionWakesOneWaiter() {
    ClusterLoad load = new ClusterLoad();
    assertThat(load.tryConnection(1)).isTrue();
    assertThat(load.tryConnection(1)).isFalse();
    AtomicInteger woken = new AtomicInteger();
    load.awaitConnection(woken::incrementAndGet, 1);
    load.awaitConnection(woken::incrementAndGet, 1);
    assertThat(woken.get()).isZero();
    load.connectionClosed();
    assertThat(woken.get()).isEqualTo(1);
    assertThat(load.tryConnection(1)).isTrue();
  }
}
