package dev.weir.dataplane.admin;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The probe port on the pod address, for the kubelet: {@code GET /ready} answers 200 once a
 * complete snapshot is serving and 503 before (ARCHITECTURE property 5) and once a graceful drain
 * began, {@code GET /healthz} answers 200 while the process runs, and {@code GET /metrics} answers
 * every meter in the Prometheus text format (this is the port Prometheus scrapes).
 *
 * <p>Thread-safe: requests are served on the server's own thread; {@code ready} must be safe to
 * call from it.
 */
public final class ProbeServer implements AutoCloseable {

  private final SmallHttpServer server;

  private ProbeServer(SmallHttpServer server) {
    this.server = server;
  }

  /**
   * Binds and starts serving.
   *
   * @param address the address to bind, for example {@code "0.0.0.0"}
   * @param port the port, or 0 for any free one
   * @param ready whether a complete snapshot is serving
   * @param metrics the Prometheus text of every meter, now
   * @throws IOException if the address cannot be bound
   */
  public static ProbeServer start(
      String address, int port, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(metrics, "metrics");
    return new ProbeServer(
        SmallHttpServer.start(
            "probe",
            address,
            port,
            Map.of(
                "/ready",
                () ->
                    ready.getAsBoolean()
                        ? SmallHttpServer.Response.text(200, "ready\n")
                        : SmallHttpServer.Response.text(
                            503, "not ready: no configuration applied yet, or draining\n"),
                "/healthz",
                () -> SmallHttpServer.Response.text(200, "ok\n"),
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
}
