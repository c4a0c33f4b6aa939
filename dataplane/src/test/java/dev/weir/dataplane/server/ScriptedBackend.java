package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on 127.0.0.1: for each request head it reads, it writes {@code reply}
 * verbatim and then closes the connection if {@code closeAfter}. One virtual thread per connection;
 * requests have no body here.
 */
final class ScriptedBackend implements AutoCloseable {

  private final LoopbackBackend server;
  private final String reply;
  private final boolean closeAfter;
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByProxy = new AtomicInteger();

  ScriptedBackend(String reply, boolean closeAfter) throws IOException {
    this.reply = reply;
    this.closeAfter = closeAfter;
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

  @Override
  public void close() throws IOException {
    server.close();
  }
}
