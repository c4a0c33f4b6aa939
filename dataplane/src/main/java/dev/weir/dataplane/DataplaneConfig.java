package dev.weir.dataplane;

import static dev.weir.dataplane.FlagValues.address;
import static dev.weir.dataplane.FlagValues.duration;
import static dev.weir.dataplane.FlagValues.intFlag;
import static dev.weir.dataplane.FlagValues.longFlag;
import static dev.weir.dataplane.FlagValues.port;
import static dev.weir.dataplane.FlagValues.positive;
import static dev.weir.dataplane.FlagValues.size;

import dev.weir.api.config.v1.Node;
import dev.weir.dataplane.observe.AccessLogFormat;
import dev.weir.dataplane.observe.TracingSettings;
import dev.weir.dataplane.server.Http1Limits;
import dev.weir.dataplane.server.Http2Limits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data plane's configuration, parsed once from the command line (and, for the pod's identity
 * and the OTLP endpoint, the environment) by {@link #parse}. Nothing else reads flags or the
 * environment.
 *
 * @param controllers the controllers' gRPC addresses (unresolved), tried in turn
 * @param nodeId this pod's identity towards the controller
 * @param pod the pod's name, or ""
 * @param namespace the pod's namespace, or ""
 * @param role gateway or sidecar
 * @param workload for a sidecar, the workload it fronts ("namespace/name"), or ""
 * @param gateway the Gateway this pod serves alone ("namespace/name"), or "" for a shared pod
 * @param probeAddress where the probe server binds
 * @param probePort the probe port, 0 for any
 * @param adminAddress where the admin server binds
 * @param adminPort the admin port, 0 for any
 * @param bindAddress where the proxy's listeners bind
 * @param ioThreads event-loop threads, 0 for one per core
 * @param snapshotFile where the last good snapshot is saved, if anywhere
 * @param http1 limits against hostile HTTP/1.1 clients
 * @param http2 the limits client HTTP/2 connections are held to
 * @param drainPeriod how long a graceful drain (SIGTERM) waits for in-flight requests
 * @param tlsTicketRotation how often the TLS session ticket key changes
 * @param pluginDir the folder whose jars hold filter plugins, if any
 * @param tracing whether and where traces are exported
 * @param accessLog how each finished request is logged ({@code --access-log})
 */
public record DataplaneConfig(
    List<InetSocketAddress> controllers,
    String nodeId,
    String pod,
    String namespace,
    Node.Role role,
    String workload,
    String gateway,
    String probeAddress,
    int probePort,
    String adminAddress,
    int adminPort,
    String bindAddress,
    int ioThreads,
    Optional<Path> snapshotFile,
    Http1Limits http1,
    Http2Limits http2,
    Duration drainPeriod,
    Duration tlsTicketRotation,
    Optional<Path> pluginDir,
    TracingSettings tracing,
    AccessLogFormat accessLog) {

  /** The default {@code --tls-ticket-rotation}. */
  public static final Duration DEFAULT_TICKET_ROTATION = Duration.ofHours(1);

  public DataplaneConfig {
    controllers = List.copyOf(controllers);
    if (controllers.isEmpty()) {
      throw new IllegalArgumentException("no controller address");
    }
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(probeAddress, "probeAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(snapshotFile, "snapshotFile");
    Objects.requireNonNull(http1, "http1");
    Objects.requireNonNull(http2, "http2");
    Objects.requireNonNull(drainPeriod, "drainPeriod");
    Objects.requireNonNull(tlsTicketRotation, "tlsTicketRotation");
    Objects.requireNonNull(pluginDir, "pluginDir");
    Objects.requireNonNull(tracing, "tracing");
    Objects.requireNonNull(accessLog, "accessLog");
  }

  /** What {@link #parse} made of the command line. */
  public sealed interface Parsed permits Run, Help, Invalid {}

  /** Start the data plane with this configuration. */
  public record Run(DataplaneConfig config) implements Parsed {}

  /** {@code --help}: print the text and exit 0. */
  public record Help(String text) implements Parsed {}

  /** A bad command line: print the one-line message and exit 2. */
  public record Invalid(String message) implements Parsed {}

  private record Flag(String name, String metavar, String defaultText, String help) {}

  private static final List<Flag> FLAGS =
      List.of(
          new Flag(
              "controller",
              "HOST:PORT[,HOST:PORT]",
              "127.0.0.1:18000",
              "the controllers' gRPC addresses, tried in turn"),
          new Flag("node-id", "ID", "$POD_NAME, else the hostname", "this pod's node identity"),
          new Flag("pod", "NAME", "$POD_NAME, else \"\"", "the pod's name"),
          new Flag("namespace", "NS", "$POD_NAMESPACE, else \"\"", "the pod's namespace"),
          new Flag("role", "gateway|sidecar", "gateway", "what this data plane is"),
          new Flag("workload", "NS/NAME", "\"\"", "for a sidecar: the workload it fronts"),
          new Flag(
              "gateway",
              "NS/NAME",
              "\"\" = shared pod",
              "serve only this Gateway's listeners and routes"),
          new Flag("probe-address", "ADDR", "0.0.0.0", "address of the probe port (/ready)"),
          new Flag("probe-port", "PORT", "18081", "probe port; 0 picks a free one"),
          new Flag("admin-address", "ADDR", "127.0.0.1", "address of the admin port (/config)"),
          new Flag("admin-port", "PORT", "18082", "admin port; 0 picks a free one"),
          new Flag("bind-address", "ADDR", "0.0.0.0", "address the proxy listeners bind to"),
          new Flag("io-threads", "N", "0", "event-loop threads; 0 = one per core"),
          new Flag(
              "snapshot-file", "PATH", "none", "save the last good snapshot here; start from it"),
          new Flag("plugin-dir", "DIR", "none", "load filter plugins from the jars in this folder"),
          new Flag(
              "max-request-body",
              "SIZE",
              "0 = unlimited",
              "largest request body where the route sets none (bytes, or 512k, 8m, 1g); else 413"),
          new Flag(
              "request-header-timeout", "DURATION", "10s", "a request head's first to last byte"),
          new Flag(
              "request-body-timeout", "DURATION", "30s", "longest wait for a request body's bytes"),
          new Flag("max-connections", "N", "10000", "client connections open at once, all ports"),
          new Flag(
              "max-pipelined-requests", "N", "16", "requests waiting on one connection; then 503"),
          new Flag(
              "h2-max-concurrent-streams",
              "N",
              "100",
              "HTTP/2 streams a client may have open at once"),
          new Flag(
              "h2-max-header-list-size",
              "BYTES",
              "16384",
              "largest HTTP/2 header list, counted after HPACK decoding"),
          new Flag(
              "h2-initial-window-size",
              "BYTES",
              "65535",
              "HTTP/2 receive window per stream (request body bytes buffered per stream)"),
          new Flag(
              "h2-connection-window-size",
              "BYTES",
              "1048576",
              "HTTP/2 receive window per connection"),
          new Flag(
              "h2-max-resets-per-window",
              "N",
              "200",
              "RST_STREAM frames a client may send per --h2-reset-window (rapid reset guard)"),
          new Flag(
              "h2-reset-window",
              "DURATION",
              "30s",
              "the window of --h2-max-resets-per-window, in whole seconds (e.g. 30s, 1m)"),
          new Flag(
              "drain-period",
              "DURATION",
              "30s",
              "on SIGTERM, how long in-flight requests may take to finish (e.g. 30s, 500ms)"),
          new Flag(
              "tls-ticket-rotation",
              "DURATION",
              "1h",
              "how often the TLS session ticket key changes (e.g. 30m, 1h; at least 1s)"),
          new Flag(
              "otlp-endpoint",
              "URL",
              "$OTEL_EXPORTER_OTLP_ENDPOINT, else none = no tracing",
              "send traces over OTLP/HTTP to URL/v1/traces (e.g. http://collector:4318)"),
          new Flag(
              "trace-sampling-ratio", "0..1", "1", "share of new traces recorded (parent-based)"),
          new Flag("access-log", "json|text|off", "json", "one line per request on stdout"),
          new Flag("help", "", "", "print this help and exit"));

  /**
   * Parses the command line. Flags take their value as {@code --flag VALUE} or {@code
   * --flag=VALUE}.
   *
   * @param args the command line
   * @param env the environment ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code HOSTNAME}, {@code
   *     OTEL_EXPORTER_OTLP_ENDPOINT}, and {@code WEIR_LOG_FORMAT}, which LogConfigurator reads and
   *     this only checks)
   * @return what to do: run, print help, or reject the command line
   */
  public static Parsed parse(List<String> args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h")) {
        return new Help(usage());
      }
      if (!arg.startsWith("--")) {
        return new Invalid("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      if (FLAGS.stream().noneMatch(f -> f.name().equals(name))) {
        return new Invalid("unknown flag --" + name);
      }
      if (name.equals("help")) {
        return new Help(usage());
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        return new Invalid("flag --" + name + " needs a value");
      }
      if (values.put(name, value) != null) {
        return new Invalid("flag --" + name + " given twice");
      }
    }
    try {
      return new Run(build(values, env));
    } catch (IllegalArgumentException e) {
      return new Invalid(e.getMessage());
    }
  }

  /** Every flag with its default, as printed by {@code --help}. */
  public static String usage() {
    StringBuilder out = new StringBuilder("usage: weir-dataplane [FLAGS]\n\nflags:\n");
    for (Flag f : FLAGS) {
      String left = "  --" + f.name() + (f.metavar().isEmpty() ? "" : " " + f.metavar());
      out.append(String.format(Locale.ROOT, "%-34s %s", left, f.help()));
      if (!f.defaultText().isEmpty()) {
        out.append(" (default: ").append(f.defaultText()).append(')');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** This pod's identity as sent to the controller. */
  public Node node() {
    return Node.newBuilder()
        .setId(nodeId)
        .setPod(pod)
        .setNamespace(namespace)
        .setRole(role)
        .setWorkload(workload)
        .setGateway(gateway)
        .build();
  }

  private static DataplaneConfig build(Map<String, String> v, Map<String, String> env) {
    List<InetSocketAddress> controllers = new ArrayList<>();
    for (String c : v.getOrDefault("controller", "127.0.0.1:18000").split(",", -1)) {
      controllers.add(controller(c.strip()));
    }
    String podName = env.getOrDefault("POD_NAME", "");
    String nodeId = v.getOrDefault("node-id", podName.isEmpty() ? hostname(env) : podName);
    if (nodeId.isEmpty()) {
      throw new IllegalArgumentException("--node-id must not be empty");
    }
    Node.Role role =
        switch (v.getOrDefault("role", "gateway")) {
          case "gateway" -> Node.Role.GATEWAY;
          case "sidecar" -> Node.Role.SIDECAR;
          default ->
              throw new IllegalArgumentException(
                  "--role must be gateway or sidecar, got '" + v.get("role") + "'");
        };
    // LogConfigurator picks the console format by this name; another value is a mistake to refuse.
    String logFormat = env.getOrDefault("WEIR_LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new IllegalArgumentException(
          "WEIR_LOG_FORMAT must be text or json, got '" + logFormat + "'");
    }
    int ioThreads = intFlag(v, "io-threads", 0);
    if (ioThreads < 0 || ioThreads > 1024) {
      throw new IllegalArgumentException("--io-threads must be 0..1024, got " + ioThreads);
    }
    return new DataplaneConfig(
        controllers,
        nodeId,
        v.getOrDefault("pod", podName),
        v.getOrDefault("namespace", env.getOrDefault("POD_NAMESPACE", "")),
        role,
        v.getOrDefault("workload", ""),
        gateway(v.getOrDefault("gateway", "")),
        address("probe-address", v.getOrDefault("probe-address", "0.0.0.0")),
        port("probe-port", v.getOrDefault("probe-port", "18081")),
        address("admin-address", v.getOrDefault("admin-address", "127.0.0.1")),
        port("admin-port", v.getOrDefault("admin-port", "18082")),
        address("bind-address", v.getOrDefault("bind-address", "0.0.0.0")),
        ioThreads,
        path(v, "snapshot-file"),
        http1(v),
        http2(v),
        duration("drain-period", v.getOrDefault("drain-period", "30s")),
        ticketRotation(v.getOrDefault("tls-ticket-rotation", "1h")),
        path(v, "plugin-dir"),
        TracingSettings.parse(
            v.get("otlp-endpoint"),
            env.get(TracingSettings.ENDPOINT_ENV),
            v.get("trace-sampling-ratio")),
        AccessLogFormat.parse(v.getOrDefault("access-log", "json")));
  }

  private static Optional<Path> path(Map<String, String> v, String flag) {
    Optional<Path> path;
    try {
      path = Optional.ofNullable(v.get(flag)).map(Path::of);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("--" + flag + ": " + e.getMessage(), e);
    }
    if (path.isPresent() && path.get().toString().isEmpty()) {
      throw new IllegalArgumentException("--" + flag + " must not be empty");
    }
    return path;
  }

  private static Duration ticketRotation(String value) {
    Duration d = duration("tls-ticket-rotation", value);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--tls-ticket-rotation must be at least 1s");
    }
    return d;
  }

  private static Http1Limits http1(Map<String, String> v) {
    Http1Limits d = Http1Limits.defaults();
    int maxConnections = intFlag(v, "max-connections", 10000);
    int maxPipelined = intFlag(v, "max-pipelined-requests", 16);
    if (maxConnections <= 0 || maxPipelined <= 0) {
      throw new IllegalArgumentException(
          "--max-connections and --max-pipelined-requests must be positive");
    }
    return new Http1Limits(
        size("max-request-body", v.getOrDefault("max-request-body", "0")),
        positive(
            "request-header-timeout", v.get("request-header-timeout"), d.requestHeaderTimeout()),
        positive("request-body-timeout", v.get("request-body-timeout"), d.requestBodyTimeout()),
        maxConnections,
        maxPipelined);
  }

  private static Http2Limits http2(Map<String, String> v) {
    Http2Limits d = Http2Limits.defaults();
    int maxResets = intFlag(v, "h2-max-resets-per-window", d.maxResetsPerWindow());
    if (maxResets < 1) {
      throw new IllegalArgumentException(
          "--h2-max-resets-per-window must be at least 1, got " + maxResets);
    }
    return new Http2Limits(
        longFlag(v, "h2-max-concurrent-streams", d.maxConcurrentStreams()),
        longFlag(v, "h2-max-header-list-size", d.maxHeaderListSize()),
        intFlag(v, "h2-initial-window-size", d.initialWindowSize()),
        intFlag(v, "h2-connection-window-size", d.connectionWindowSize()),
        maxResets,
        resetWindowSeconds(v.get("h2-reset-window")));
  }

  /** {@code --h2-reset-window}: Netty counts resets per whole second window, so whole seconds. */
  private static int resetWindowSeconds(String value) {
    if (value == null) {
      return Http2Limits.defaults().resetWindowSeconds();
    }
    Duration d = duration("h2-reset-window", value);
    if (d.compareTo(Duration.ofSeconds(1)) < 0
        || d.getNano() != 0
        || d.getSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "--h2-reset-window must be whole seconds, at least 1s (e.g. 30s, 1m), got '"
              + value
              + "'");
    }
    return (int) d.getSeconds();
  }

  /** One {@code HOST:PORT} of {@code --controller}, unresolved (resolved at each connect). */
  private static InetSocketAddress controller(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--controller must be HOST:PORT, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // RFC 3986 §3.2.2: an IPv6 literal
    }
    int port = port("controller", value.substring(colon + 1));
    if (port == 0) {
      throw new IllegalArgumentException("--controller port must be 1..65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** "" or "namespace/name", as {@code Node.gateway} expects. */
  private static String gateway(String value) {
    if (value.isEmpty()) {
      return value;
    }
    int slash = value.indexOf('/');
    if (slash <= 0 || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("--gateway must be NAMESPACE/NAME, got '" + value + "'");
    }
    return value;
  }

  private static String hostname(Map<String, String> env) {
    String h = env.getOrDefault("HOSTNAME", "");
    if (!h.isEmpty()) {
      return h;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "weir-dataplane";
    }
  }
}
