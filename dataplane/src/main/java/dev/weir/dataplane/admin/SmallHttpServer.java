package dev.weir.dataplane.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A JDK {@link HttpServer} serving a few exact GET paths on one thread, for the probe and admin
 * ports. It sits beside the proxy, off the hot path, so simplicity beats speed here.
 *
 * <p>Thread-safe: handlers run on the server's single thread; {@link #close} from any thread.
 */
final class SmallHttpServer implements AutoCloseable {

  /** A response: status, content type and body. */
  record Response(int status, String contentType, String body) {

    static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }

    static Response json(int status, String body) {
      return new Response(status, "application/json", body);
    }

    /** Meters in the Prometheus text exposition format, version 0.0.4. */
    static Response metrics(String body) {
      return new Response(200, "text/plain; version=0.0.4; charset=utf-8", body);
    }
  }

  /** Produces the response for one path; runs on the server's thread. */
  @FunctionalInterface
  interface Route {
    Response respond();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String host;

  private SmallHttpServer(HttpServer server, ExecutorService executor, String host) {
    this.server = server;
    this.executor = executor;
    this.host = host;
  }

  /**
   * Binds and starts serving.
   *
   * @param name names the server's thread ({@code weir-NAME})
   * @param address the address to bind, for example {@code "127.0.0.1"}
   * @param port the port, or 0 for any free one
   * @param routes exact paths and what they answer; anything else is 404
   * @throws IOException if the address cannot be bound
   */
  static SmallHttpServer start(String name, String address, int port, Map<String, Route> routes)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "weir-" + name);
              t.setDaemon(true);
              return t;
            });
    Map<String, Route> copy = Map.copyOf(routes);
    server.createContext("/", exchange -> handle(exchange, copy));
    server.setExecutor(executor);
    server.start();
    return new SmallHttpServer(server, executor, address);
  }

  /** The bound port (the real one when 0 was asked for). */
  int port() {
    return server.getAddress().getPort();
  }

  /** {@code host:port} as configured, with the bound port; IPv6 literals in brackets. */
  String hostPort() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void handle(HttpExchange exchange, Map<String, Route> routes) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Route route = routes.get(exchange.getRequestURI().getPath());
      Response response;
      if (route == null) {
        response = Response.text(404, "not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = Response.text(405, "method not allowed\n");
      } else {
        response = route.respond();
      }
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      // RFC 9110 §9.3.2: HEAD gets the headers of GET and no content (-1 means no body here).
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(
          response.status(), head ? -1 : body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
