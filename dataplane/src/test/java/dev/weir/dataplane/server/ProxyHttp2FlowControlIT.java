package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.DATA;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static dev.weir.dataplane.server.RawH2.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 flow control carried through to the upstream (RFC 9113 §5.2): a client that grants no
 * window stalls the backend's writes instead of filling the proxy's memory, and a backend that does
 * not read stalls the client's upload by withholding WINDOW_UPDATE. Raw frames on one side,
 * blocking sockets counting bytes on the other.
 */
class ProxyHttp2FlowControlIT {

  /** Far more than every socket buffer on the path together. */
  private static final long LARGE = 256L * 1024 * 1024;

  private CountingBackend backend;
  private ProxyFixture proxy;
  private int port;

  private void start(long download) throws Exception {
    backend = new CountingBackend(download);
    proxy = new ProxyFixture();
    port = proxy.forwardAll(backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  @Test
  void clientThatGrantsNoWindowStallsTheBackendsWrites() throws Exception {
    start(LARGE);
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/large"), true);
      RawH2.Frame head = h2.await(f -> f.type() == HEADERS && f.streamId() == 1);
      assertThat(head.headers().status().toString()).isEqualTo("200");

      // The client's windows are the protocol's 65,535 bytes and it never widens them.
      long stalledAt = awaitStable(backend.written::get);
      long received = 0;
      for (RawH2.Frame f; (f = h2.poll(Duration.ofMillis(200))) != null; ) {
        received += f.type() == DATA ? f.payload().length : 0;
      }
      System.out.printf(
          "h2 download flow control: backend stalled after %d of %d bytes, client got %d%n",
          stalledAt, LARGE, received);
      assertThat(received).isLessThanOrEqualTo(65_535);
      // What the backend got rid of sits in socket buffers and the proxy's bounded outbound
      // buffers, not in a response copied whole into memory.
      assertThat(stalledAt).isLessThan(LARGE / 8);
      assertThat(directMemoryInUse()).isLessThan(32L * 1024 * 1024);

      // Widening the windows lets the download go on.
      h2.windowUpdate(0, Integer.MAX_VALUE - 65_535);
      h2.windowUpdate(1, Integer.MAX_VALUE - 65_535);
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.written.get() > stalledAt);
    }
  }

  @Test
  void backendThatDoesNotReadStallsTheClientsUpload() throws Exception {
    start(0);
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("POST", "/upload"), false);
      long streamWindow = 65_535;
      long connectionWindow = 65_535;
      long sent = 0;
      byte[] chunk = new byte[16 * 1024];
      while (sent < LARGE) {
        long window = Math.min(streamWindow, connectionWindow);
        if (window >= chunk.length) {
          h2.data(1, chunk, false);
          sent += chunk.length;
          streamWindow -= chunk.length;
          connectionWindow -= chunk.length;
          continue;
        }
        RawH2.Frame f = h2.poll(Duration.ofSeconds(1));
        if (f == null) {
          break; // no WINDOW_UPDATE for a second: the proxy stopped taking the body
        }
        if (f.type() == WINDOW_UPDATE) {
          if (f.streamId() == 0) {
            connectionWindow += f.windowIncrement();
          } else if (f.streamId() == 1) {
            streamWindow += f.windowIncrement();
          }
        }
      }
      System.out.printf("h2 upload flow control: client stalled after %d bytes%n", sent);
      assertThat(sent).isLessThan(LARGE / 8);
      assertThat(backend.read.get()).isZero();
      assertThat(directMemoryInUse()).isLessThan(32L * 1024 * 1024);

      // Once the backend reads, the proxy reads the stream again and returns window.
      backend.startReading();
      RawH2.Frame update =
          h2.await(f -> f.type() == WINDOW_UPDATE && f.streamId() == 1 && f.windowIncrement() > 0);
      assertThat(update).isNotNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.read.get() > 0);
    }
  }

  /** Waits until {@code value} stops changing for a few polls, and returns it. */
  private static long awaitStable(LongSupplier value) {
    long[] last = {-1};
    int[] same = {0};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              long now = value.getAsLong();
              same[0] = now == last[0] && now > 0 ? same[0] + 1 : 0;
              last[0] = now;
              return same[0] >= 3;
            });
    return last[0];
  }

  private static long directMemoryInUse() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
