package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 upstream on 127.0.0.1 with blocking sockets, for flow-control tests: after a request
 * head it either writes a {@code download}-byte response as fast as the socket takes it (counting
 * what was written, so a stall shows) or, for uploads, reads the request body only once {@link
 * #startReading} is called (counting what was read). One virtual thread per connection.
 */
final class CountingBackend implements AutoCloseable {

  final AtomicLong written = new AtomicLong();
  final AtomicLong read = new AtomicLong();
  private final LoopbackBackend server;
  private final long download;
  private final CountDownLatch reading = new CountDownLatch(1);

  /** A backend answering every request with {@code download} bytes (0: reads uploads instead). */
  CountingBackend(long download) throws IOException {
    this.download = download;
    this.server = new LoopbackBackend(this::serve);
  }

  int port() {
    return server.port();
  }

  /** Lets upload connections read their bodies from now on. */
  void startReading() {
    reading.countDown();
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      if (!LoopbackBackend.skipHead(in)) {
        return;
      }
      if (download > 0) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("HTTP/1.1 200 OK\r\ncontent-length: " + download + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 * 1024];
        for (long left = download; left > 0; ) {
          int n = (int) Math.min(chunk.length, left);
          out.write(chunk, 0, n);
          written.addAndGet(n);
          left -= n;
        }
        out.flush();
        in.read(); // until the proxy closes or reuses the connection
      } else {
        reading.await();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
          read.addAndGet(n);
        }
      }
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
