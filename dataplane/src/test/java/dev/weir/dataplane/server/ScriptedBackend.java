package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on 127.0.0.1: for each request head it reads, it writes {@code reply}
 * verbatim and then closes the connection if {@code closeAfter}. One thread per connection.
 */
final class ScriptedBackend implements AutoCloseable {

  private final ServerSocket server;
  private final String reply;
  private final boolean closeAfter;
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByProxy = new AtomicInteger();

  ScriptedBackend(String reply, boolean closeAfter) throws IOException {
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    this.reply = reply;
    this.closeAfter = closeAfter;
    Thread.ofVirtual().start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      while (readHead(in)) {
        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        if (closeAfter) {
          return;
        }
      }
      closedByProxy.incrementAndGet();
    } catch (IOException e) {
      // the proxy went away
    }
  }

  /** Reads up to the blank line ending a head; false at EOF. Requests have no body here. */
  private static boolean readHead(InputStream in) throws IOException {
    int matched = 0;
    for (int c; (c = in.read()) >= 0; ) {
      matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
