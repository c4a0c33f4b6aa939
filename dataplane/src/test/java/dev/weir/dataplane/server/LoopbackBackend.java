package dev.weir.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * The socket side every blocking test backend shares ({@link CountingBackend}, {@link
 * RecordingBackend}, {@link ScriptedBackend}): a server socket on 127.0.0.1 that hands each
 * connection it accepts to {@code serve} on a virtual thread of its own, until closed. {@code
 * serve} owns the socket and closes it.
 */
final class LoopbackBackend implements AutoCloseable {

  private final ServerSocket server;
  private final Consumer<Socket> serve;

  /** Starts accepting at once; {@code serve} runs on one virtual thread per connection. */
  LoopbackBackend(Consumer<Socket> serve) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.serve = serve;
    Thread.ofVirtual().start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> serve.accept(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads up to the blank line ending a request head, discarding it; false at EOF. */
  static boolean skipHead(InputStream in) throws IOException {
    int matched = 0;
    for (int c; (c = in.read()) >= 0; ) {
      matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  /** Stops accepting; connections already served run on until their peers close them. */
  @Override
  public void close() throws IOException {
    server.close();
  }
}
