package dev.weir.controller.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weir.controller.loop.Build;
import dev.weir.controller.observe.ControllerMetrics;
import dev.weir.controller.observe.Propagation;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.source.SourceProblem;
import dev.weir.controller.translate.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's admin HTTP port (JDK {@link HttpServer}, localhost by default), serving JSON:
 *
 * <ul>
 *   <li>{@code GET /nodes}: every data-plane node's state ({@link NodeRegistry});
 *   <li>{@code GET /snapshot}: the current version, generation, the version of each per-Gateway
 *       snapshot (built only for Gateways that connected pods are dedicated to) and problems —
 *       never key material — and the last propagation: the last version every connected node ACKed,
 *       and how long that took from the first change;
 *   <li>{@code GET /problems}: translation problems and unreadable input files;
 *   <li>{@code GET /metrics}: every meter ({@link ControllerMetrics}), Prometheus text 0.0.4;
 *   <li>{@code GET /healthz}: {@code ok} (liveness);
 *   <li>{@code GET /readyz}: 200 when this replica is the leader and has built from synced
 *       informers, else 503 ({@link Readiness}); a Service for data planes selects ready replicas.
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. Requests run on one daemon thread of
 * its own and only read thread-safe state.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final InetSocketAddress address;
  private final NodeRegistry nodes;
  private final Supplier<Optional<Build>> lastBuild;
  private final Supplier<List<SourceProblem>> sourceProblems;
  private final Supplier<Readiness> readiness;
  private final ControllerMetrics metrics;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private HttpServer server;
  private ExecutorService executor;

  /** The body of {@code /snapshot}: what was built, without the snapshot's content. */
  record SnapshotView(
      String version,
      long generation,
      Map<String, String> gateways,
      List<Problem> problems,
      Propagation.Complete lastPropagation) {}

  /** The body of {@code /problems}. */
  record ProblemsView(List<Problem> translation, List<SourceProblem> sources) {}

  /**
   * @param address where to bind (port 0 for any free port)
   * @param nodes the node registry
   * @param lastBuild the loop's last build, if any
   * @param sourceProblems problems the sources found in their input
   * @param readiness what {@code /readyz} reports
   * @param metrics what {@code /metrics} serves
   */
  public AdminServer(
      InetSocketAddress address,
      NodeRegistry nodes,
      Supplier<Optional<Build>> lastBuild,
      Supplier<List<SourceProblem>> sourceProblems,
      Supplier<Readiness> readiness,
      ControllerMetrics metrics) {
    this.address = Objects.requireNonNull(address, "address");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.lastBuild = Objects.requireNonNull(lastBuild, "lastBuild");
    this.sourceProblems = Objects.requireNonNull(sourceProblems, "sourceProblems");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Binds and starts serving. */
  public synchronized AdminServer start() throws IOException {
    server = HttpServer.create(address, 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("weir-admin").unstarted(r));
    server.setExecutor(executor);
    server.createContext("/nodes", ex -> serve(ex, nodes::nodes));
    server.createContext("/snapshot", ex -> serve(ex, this::snapshotView));
    server.createContext("/problems", ex -> serve(ex, this::problemsView));
    server.createContext("/metrics", this::metrics);
    server.createContext("/healthz", ex -> serve(ex, () -> Map.of("status", "ok")));
    server.createContext("/readyz", this::readyz);
    server.createContext("/", ex -> respond(ex, 404, "text/plain", "not found\n"));
    server.start();
    return this;
  }

  /** The bound port (after {@link #start()}). */
  public synchronized int port() {
    return server.getAddress().getPort();
  }

  /** The bound host, as requested. */
  public String host() {
    return address.getHostString();
  }

  private Object snapshotView() {
    return lastBuild
        .get()
        .<Object>map(
            b ->
                new SnapshotView(
                    b.version(),
                    b.generation(),
                    gatewayVersions(b),
                    b.problems(),
                    metrics.lastPropagation().orElse(null)))
        .orElseGet(() -> orderedMap("version", "", "generation", 0));
  }

  /** The version of each per-Gateway snapshot built: only Gateways with dedicated pods get one. */
  private static Map<String, String> gatewayVersions(Build b) {
    Map<String, String> versions = new LinkedHashMap<>();
    b.gatewaySnapshots().forEach((k, v) -> versions.put(k, v.getVersion()));
    return versions;
  }

  private Object problemsView() {
    return new ProblemsView(
        lastBuild.get().map(Build::problems).orElse(List.of()), sourceProblems.get());
  }

  private static Map<String, Object> orderedMap(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private void readyz(HttpExchange ex) throws IOException {
    Readiness r = readiness.get();
    try (ex) {
      respond(ex, r.ready() ? 200 : 503, "application/json", json.writeValueAsString(r) + "\n");
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        respond(ex, 405, "text/plain", "method not allowed\n");
        return;
      }
      respond(ex, 200, "text/plain; version=0.0.4", metrics.scrape());
    }
  }

  private void serve(HttpExchange ex, Supplier<Object> body) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        respond(ex, 405, "text/plain", "method not allowed\n");
        return;
      }
      String text;
      try {
        text = json.writeValueAsString(body.get()) + "\n";
      } catch (JsonProcessingException | RuntimeException e) {
        log.error("admin {} failed", ex.getRequestURI(), e);
        respond(ex, 500, "text/plain", "internal error\n");
        return;
      }
      respond(ex, 200, "application/json", text);
    }
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }

  /** Stops serving, letting requests in flight finish for up to one second. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(1);
      executor.shutdownNow();
    }
  }
}
