package dev.weir.dataplane.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on 127.0.0.1 that records every byte the proxy sends it, for asserting what (if
 * anything) of a hostile request reached the backend. It reads each request's head and its body
 * (framed by Content-Length or chunks) and answers {@code 200 ok}; with {@code respondEarly} it
 * answers each head at once with the start of a chunked response that never ends, and keeps
 * reading. {@link #requests} counts heads, {@link #completed} requests whose body ended. One
 * virtual thread per connection; the counters and {@link #received()} may be read from any thread.
 */
final class RecordingBackend implements AutoCloseable {

  private final LoopbackBackend server;
  private final boolean respondEarly;
  private final StringBuffer received = new StringBuffer();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger completed = new AtomicInteger();
  final AtomicInteger closedByProxy = new AtomicInteger();

  RecordingBackend(boolean respondEarly) throws IOException {
    this.respondEarly = respondEarly;
    this.server = new LoopbackBackend(this::serve);
  }

  int port() {
    return server.port();
  }

  /** Every byte received so far, on all connections, as ISO-8859-1 text. */
  String received() {
    return received.toString();
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (String head = head(in); head != null; head = head(in)) {
        requests.incrementAndGet();
        if (respondEarly) {
          out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nstart\r\n"));
          out.flush();
        }
        if (!body(in, head)) {
          break;
        }
        completed.incrementAndGet();
        if (!respondEarly) {
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
          out.flush();
        }
      }
      closedByProxy.incrementAndGet();
    } catch (IOException e) {
      closedByProxy.incrementAndGet();
    }
  }

  /** The next head up to its blank line, recorded; null at EOF. */
  private String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int c; (c = in.read()) >= 0; ) {
      record(c);
      head.write(c);
      matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** Reads (and records) the body framed as {@code head} says; false at EOF. */
  private boolean body(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.contains("transfer-encoding: chunked")) {
      for (String size = line(in); size != null; size = line(in)) {
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          return line(in) != null;
        }
        for (int i = 0; i < n + 2; i++) {
          if (read(in) < 0) {
            return false;
          }
        }
      }
      return false;
    }
    int at = lower.indexOf("content-length:");
    if (at >= 0) {
      int end = lower.indexOf('\r', at);
      long n = Long.parseLong(lower.substring(at + "content-length:".length(), end).trim());
      for (long i = 0; i < n; i++) {
        if (read(in) < 0) {
          return false;
        }
      }
    }
    return true;
  }

  private String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = read(in)) >= 0; ) {
      if (c == '\n') {
        return sb.toString();
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return null;
  }

  private int read(InputStream in) throws IOException {
    int c = in.read();
    if (c >= 0) {
      record(c);
    }
    return c;
  }

  private void record(int c) {
    received.append((char) c);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
