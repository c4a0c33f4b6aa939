package dev.weir.dataplane.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on 127.0.0.1 (the JDK's server) whose answer per path is set by the test:
 * status, header fields and body; a request with an {@code If-None-Match} equal to the answer's
 * ETag gets 304. Counts requests and records their conditional headers.
 */
final class CachingBackend implements AutoCloseable {

  /** One path's answer. */
  record Answer(int status, Map<String, String> headers, byte[] body) {}

  final AtomicInteger requests = new AtomicInteger();
  final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final HttpServer server;

  CachingBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          String inm = ex.getRequestHeaders().getFirst("If-None-Match");
          if (inm != null) {
            ifNoneMatch.add(inm);
          }
          Answer a =
              answers.getOrDefault(
                  ex.getRequestURI().getPath(), new Answer(404, Map.of(), new byte[0]));
          a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
          boolean notModified = inm != null && inm.equals(a.headers().get("ETag"));
          if (notModified || ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(notModified ? 304 : a.status(), -1);
            ex.close();
            return;
          }
          ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(a.body());
          }
        });
    server.start();
  }

  void answer(String path, int status, Map<String, String> headers, byte[] body) {
    answers.put(path, new Answer(status, headers, body));
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
