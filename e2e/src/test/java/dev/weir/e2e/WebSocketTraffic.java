package dev.weir.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket traffic for a soak, with the JDK client: one socket open from start to {@link #close()}
 * with a message every 200 ms, each of which must be echoed, and a fresh socket every two seconds
 * that sends one message, waits for its echo and closes. Thread-safe.
 */
final class WebSocketTraffic implements AutoCloseable {

  private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1);
  private final HttpClient client;
  private final URI uri;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong echoes = new AtomicLong();
  private final AtomicLong shortLived = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final WebSocket longLived;
  private volatile boolean closing;

  WebSocketTraffic(HttpClient client, URI uri) throws Exception {
    this.client = client;
    this.uri = uri;
    longLived = client.newWebSocketBuilder().buildAsync(uri, counting()).get(10, TimeUnit.SECONDS);
    ticker.scheduleAtFixedRate(this::tick, 0, 200, TimeUnit.MILLISECONDS);
    ticker.scheduleAtFixedRate(this::shortSession, 0, 2, TimeUnit.SECONDS);
  }

  private void tick() {
    try {
      // One send at a time on the long-lived socket (WebSocket allows one outstanding send).
      longLived.sendText("tick-" + sent.incrementAndGet(), true).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      failures.add("long-lived send: " + e);
    }
  }

  private void shortSession() {
    CompletableFuture<String> echo = new CompletableFuture<>();
    client
        .newWebSocketBuilder()
        .buildAsync(uri, oneEcho(echo))
        .thenCompose(socket -> socket.sendText("hello", true))
        .thenCompose(socket -> echo.thenApply(text -> socket))
        .thenCompose(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"))
        .orTimeout(10, TimeUnit.SECONDS)
        .whenComplete(
            (socket, error) -> {
              if (error != null) {
                failures.add("short-lived session: " + error);
              } else {
                shortLived.incrementAndGet();
              }
            });
  }

  private WebSocket.Listener counting() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        if (last) {
          echoes.incrementAndGet();
        }
        socket.request(1);
        return null;
      }

      @Override
      public void onError(WebSocket socket, Throwable error) {
        failures.add("long-lived socket: " + error);
      }

      @Override
      public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
        if (!closing) {
          failures.add("long-lived socket closed by the peer: " + status + " " + reason);
        }
        return null;
      }
    };
  }

  private static WebSocket.Listener oneEcho(CompletableFuture<String> echo) {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        echo.complete(data.toString());
        socket.request(1);
        return null;
      }
    };
  }

  long longLivedEchoes() {
    return echoes.get();
  }

  long shortLivedSessions() {
    return shortLived.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops, checks that every long-lived message came back, and closes the socket. */
  @Override
  public void close() throws Exception {
    ticker.shutdown();
    ticker.awaitTermination(15, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (echoes.get() < sent.get() && System.nanoTime() < deadline) {
      Thread.sleep(10); // the last echoes are on their way; there is no future to wait on
    }
    if (echoes.get() != sent.get()) {
      failures.add("long-lived socket: sent " + sent + ", echoed " + echoes);
    }
    closing = true;
    longLived.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "sent="
        + sent
        + " echoes="
        + echoes
        + " shortLivedSessions="
        + shortLived
        + " failures="
        + failures.size();
  }
}
