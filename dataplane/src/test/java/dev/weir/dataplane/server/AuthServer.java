package dev.weir.dataplane.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP/1.1 server on 127.0.0.1 (the JDK's) playing a JWKS endpoint or an authorization
 * service: every request is recorded, and answered with the current {@link Answer}; {@link
 * Answer#hang} holds the answer until {@link #close}. One virtual thread per exchange; the fields
 * may be read from any thread.
 */
final class AuthServer implements AutoCloseable {

  /** What the server answers. */
  record Answer(int status, Map<String, String> headers, String body, boolean hang) {
    static Answer of(int status, String body, Map<String, String> headers) {
      return new Answer(status, headers, body, false);
    }

    static Answer hanging() {
      return new Answer(200, Map.of(), "", true);
    }
  }

  /** A request the server got: method, path with query, and the headers (lower-case names). */
  record Seen(String method, String uri, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null ? null : v.getFirst();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final CountDownLatch release = new CountDownLatch(1);
  final AtomicReference<Answer> answer = new AtomicReference<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  AuthServer(Answer initial) throws IOException {
    answer.set(initial);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    Map<String, List<String>> headers = new java.util.TreeMap<>();
    ex.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
    seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), headers));
    Answer a = answer.get();
    if (a.hang()) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
    try (var out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
