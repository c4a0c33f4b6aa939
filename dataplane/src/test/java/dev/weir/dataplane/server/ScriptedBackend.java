package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on 127.0.0.1: for each request head it reads, it writes {@code reply}
 * verbatim (after {@code delay}: a slow upstream) and then closes the connection if {@code
 * closeAfter}. One virtual thread per connection; requests have no body here.
 */
final class ScriptedBackend implements AutoCloseable {

  private final LoopbackBackend server;
  private final String reply;
  private final boolean closeAfter;
  private final Duration delay;
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByProxy = new AtomicInteger();

  ScriptedBackend(String reply, boolean closeAfter) throws IOException {
    this(reply, closeAfter, Duration.ZERO);
  }

  ScriptedBackend(String reply, boolean closeAfter, Duration delay) throws IOException {
    this.reply = reply;
    this.closeAfter = closeAfter;
    this.delay = delay;
    this.server = new LoopbackBackend(this::serve);
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) {
    connections.incrementAndGet();
    try (s) {
      InputStream in = s.getInputStream();
      while (LoopbackBackend.skipHead(in)) {
        if (!delay.isZero()) {
          // The backend is slow on purpose; this runs on the backend's own virtual thread.
          Thread.sleep(delay);
        }
        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        if (closeAfter) {
          return;
        }
      }
      closedByProxy.incrementAndGet();
    } catch (IOException e) {
      // the proxy went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
