package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 upstream on a {@link LoopbackBackend} for circuit-breaker and pool tests:
 * counts connections accepted, open and closed by the proxy, and requests; answers each request
 * through its {@link Responder}, which may hold the answer until {@link #open} is called. One
 * virtual thread per connection.
 */
final class GatedBackend implements AutoCloseable {

  /** Writes the answer to the {@code n}-th request (from 1), whose target is {@code path}. */
  interface Responder {
    void respond(String path, int n, OutputStream out, GatedBackend backend) throws Exception;
  }

  /** {@code 200 ok} with a length. */
  static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final LoopbackBackend server;
  private final Responder responder;

  GatedBackend(Responder responder) throws IOException {
    this.responder = responder;
    this.server = new LoopbackBackend(this::serve);
  }

  /** A backend that answers {@link #OK} once {@link #open} was called. */
  static GatedBackend heldOk() throws IOException {
    return new GatedBackend(
        (path, n, out, b) -> {
          b.awaitOpen();
          write(out, OK);
        });
  }

  int port() {
    return server.port();
  }

  /** Lets held answers go. */
  void open() {
    gate.countDown();
  }

  /** Blocks until {@link #open} (at most 30 s, a test's bound). */
  void awaitOpen() throws InterruptedException {
    gate.await(30, TimeUnit.SECONDS);
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private void serve(Socket s) {
    accepted.incrementAndGet();
    open.incrementAndGet();
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (String path; (path = requestPath(in)) != null; ) {
        responder.respond(path, requests.incrementAndGet(), out, this);
      }
    } catch (Exception e) {
      // the proxy went away
    } finally {
      open.decrementAndGet();
      closed.incrementAndGet();
    }
  }

  /** Reads a request head up to its blank line; its target, or null at EOF. */
  private static String requestPath(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    if (line.isEmpty() || !LoopbackBackend.skipHead(in)) {
      return null;
    }
    String[] parts = line.toString().split(" ");
    return parts.length > 1 ? parts[1] : "";
  }

  @Override
  public void close() throws IOException {
    open();
    server.close();
  }
}
