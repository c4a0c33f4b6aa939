package dev.weir.dataplane.admin;

import dev.weir.dataplane.config.ConfigClientState;
import dev.weir.dataplane.config.ConfigSummary;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin port, on localhost by default: {@code GET /config} answers JSON describing the
 * configuration now serving ({@link ConfigSummary}: version, generation, listeners, routes,
 * clusters and secret names, never key material), the health of each checked endpoint ({@code
 * "health"}: {@code "cluster endpoint healthy|unhealthy|ejected for N ms"}) and the config client's
 * connection state; 503 with the connection state alone before the first snapshot. {@code GET
 * /metrics} answers every meter in the Prometheus text format, as the probe port does.
 *
 * <p>Thread-safe: requests are served on the server's own thread; both suppliers must be safe to
 * call from it.
 */
public final class AdminServer implements AutoCloseable {

  private final SmallHttpServer server;

  private AdminServer(SmallHttpServer server) {
    this.server = server;
  }

  /**
   * Binds and starts serving.
   *
   * @param address the address to bind, for example {@code "127.0.0.1"}
   * @param port the port, or 0 for any free one
   * @param summary the configuration now serving, or empty before the first one
   * @param client the config client's state
   * @throws IOException if the address cannot be bound
   */
  public static AdminServer start(
      String address,
      int port,
      Supplier<Optional<ConfigSummary>> summary,
      Supplier<ConfigClientState> client)
      throws IOException {
    return start(address, port, summary, client, List::of, () -> "");
  }

  /**
   * As {@link #start(String, int, Supplier, Supplier)}, with the endpoints' health and the meters.
   *
   * @param health one line per checked endpoint, now
   * @param metrics the Prometheus text of every meter, now
   */
  public static AdminServer start(
      String address,
      int port,
      Supplier<Optional<ConfigSummary>> summary,
      Supplier<ConfigClientState> client,
      Supplier<List<String>> health,
      Supplier<String> metrics)
      throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(health, "health");
    return new AdminServer(
        SmallHttpServer.start(
            "admin",
            address,
            port,
            Map.of(
                "/config",
                () -> config(summary.get(), client.get(), health.get()),
                "/metrics",
                () -> SmallHttpServer.Response.metrics(metrics.get()))));
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** {@code host:port} as bound, for the start-up log line. */
  public String hostPort() {
    return server.hostPort();
  }

  @Override
  public void close() {
    server.close();
  }

  static SmallHttpServer.Response config(
      Optional<ConfigSummary> summary, ConfigClientState client, List<String> health) {
    JsonWriter json = new JsonWriter().beginObject();
    if (summary.isPresent()) {
      ConfigSummary s = summary.get();
      json.name("version").value(s.version());
      json.name("generation").value(s.generation());
      json.name("listeners").value(s.listeners());
      json.name("routes").value(s.routes());
      json.name("clusters").value(s.clusters());
      json.name("health").value(health);
      json.name("secrets").value(s.secrets());
    } else {
      json.name("error").value("no configuration applied yet");
    }
    json.name("controller")
        .beginObject()
        .name("address")
        .value(client.controller())
        .name("connected")
        .value(client.connected())
        .name("appliedVersion")
        .value(client.appliedVersion())
        .name("appliedGeneration")
        .value(client.appliedGeneration())
        .name("lastError")
        .value(client.lastError())
        .endObject();
    json.endObject();
    return SmallHttpServer.Response.json(summary.isPresent() ? 200 : 503, json + "\n");
  }
}
