package dev.weir.controller;

import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.leader.LeaderElectionSettings;
import dev.weir.controller.translate.ObjectRef;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The controller's whole configuration, parsed once from the command line by {@link #parse}. This
 * is the only place that reads flags; everything else takes typed fields.
 *
 * @param manifests local mode: the folder of YAML to read, instead of the Kubernetes API
 * @param kubeconfig the kubeconfig to use; empty means fabric8's auto-configuration (in-cluster
 *     service account, then {@code ~/.kube/config})
 * @param namespace the one namespace to watch, or empty for all
 * @param grpcAddress the address the snapshot gRPC server binds
 * @param grpcPort its port (0 = any free port)
 * @param adminAddress the address the admin HTTP server binds
 * @param adminPort its port (0 = any free port)
 * @param httpPort the data plane's HTTP listener port, put in the snapshot
 * @param httpsPort the data plane's HTTPS listener port, put in the snapshot
 * @param controllerName the {@code IngressClass.spec.controller} value that selects Weir
 * @param gatewayControllerName the {@code GatewayClass.spec.controllerName} value that selects Weir
 * @param publishAddresses addresses written to owned Ingresses' status (IPs or hostnames)
 * @param publishService a Service whose address is written to owned Ingresses' status instead
 * @param debounce quiet time after the last change before a build
 * @param maxDelay longest a change waits for its build
 * @param leaderElection how this replica takes part in leader election; empty when it does not
 *     (local mode, or {@code --leader-elect=false}) and so always leads
 */
public record ControllerConfig(
    Optional<Path> manifests,
    Optional<Path> kubeconfig,
    Optional<String> namespace,
    String grpcAddress,
    int grpcPort,
    String adminAddress,
    int adminPort,
    int httpPort,
    int httpsPort,
    String controllerName,
    String gatewayControllerName,
    List<String> publishAddresses,
    Optional<ObjectRef> publishService,
    Duration debounce,
    Duration maxDelay,
    Optional<LeaderElectionSettings> leaderElection) {

  public ControllerConfig {
    Objects.requireNonNull(manifests, "manifests");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(grpcAddress, "grpcAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
    Objects.requireNonNull(controllerName, "controllerName");
    Objects.requireNonNull(gatewayControllerName, "gatewayControllerName");
    publishAddresses = List.copyOf(publishAddresses);
    Objects.requireNonNull(publishService, "publishService");
    Objects.requireNonNull(debounce, "debounce");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(leaderElection, "leaderElection");
  }

  /** A flag: its name, value placeholder (null for a switch), default and help text. */
  private record Flag(String name, String arg, String defaultValue, String help) {}

  private static final List<Flag> FLAGS =
      List.of(
          new Flag("--manifests", "DIR", null, "local mode: read and watch YAML under DIR"),
          new Flag("--kubeconfig", "PATH", null, "kubeconfig file (default: in-cluster/auto)"),
          new Flag("--namespace", "NS", null, "watch only namespace NS (default: all)"),
          new Flag("--grpc-address", "HOST", "0.0.0.0", "address of the snapshot gRPC server"),
          new Flag("--grpc-port", "PORT", "18000", "port of the snapshot gRPC server (0 = any)"),
          new Flag("--admin-address", "HOST", "127.0.0.1", "address of the admin HTTP server"),
          new Flag("--admin-port", "PORT", "18001", "port of the admin HTTP server (0 = any)"),
          new Flag("--http-port", "PORT", "8080", "data-plane HTTP listener port"),
          new Flag("--https-port", "PORT", "8443", "data-plane HTTPS listener port"),
          new Flag(
              "--controller-name",
              "NAME",
              IngressOptions.DEFAULT_CONTROLLER_NAME,
              "IngressClass spec.controller handled by Weir"),
          new Flag(
              "--gateway-controller-name",
              "NAME",
              IngressOptions.DEFAULT_GATEWAY_CONTROLLER_NAME,
              "GatewayClass spec.controllerName handled by Weir"),
          new Flag("--publish-address", "A[,B]", null, "IPs/hostnames for Ingress status"),
          new Flag("--publish-service", "NS/NAME", null, "Service whose address goes in status"),
          new Flag("--debounce-ms", "MS", "100", "quiet time after a change before a build"),
          new Flag("--debounce-max-ms", "MS", "500", "longest a change waits for its build"),
          new Flag(
              "--leader-elect",
              "true|false",
              "true",
              "elect one leader on a Lease; only it writes status and serves data planes"),
          new Flag(
              "--leader-election-namespace",
              "NS",
              null,
              "namespace of the Lease (default $POD_NAMESPACE, else default)"),
          new Flag("--leader-election-id", "NAME", "weir-controller", "name of the Lease"),
          new Flag("--lease-duration-ms", "MS", "15000", "a Lease not renewed this long expires"),
          new Flag("--renew-deadline-ms", "MS", "10000", "the leader gives up if not renewed by"),
          new Flag("--retry-period-ms", "MS", "2000", "pause between acquire/renew attempts"),
          new Flag("--help", null, null, "print this help and exit"));

  /** Whether {@code args} ask for help, which wins over every other flag. */
  public static boolean wantsHelp(String... args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  /** Every flag with its default, one per line. */
  public static String usage() {
    StringBuilder sb = new StringBuilder("usage: weir-controller [FLAGS]\n");
    for (Flag f : FLAGS) {
      String left = f.arg() == null ? f.name() : f.name() + " " + f.arg();
      sb.append(String.format("  %-32s %s", left, f.help()));
      if (f.defaultValue() != null) {
        sb.append(" (default ").append(f.defaultValue()).append(')');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * Parses {@code --flag value} and {@code --flag=value} arguments, with the process environment.
   *
   * @throws IllegalArgumentException with a one-line message on an unknown flag, a missing or
   *     invalid value, or conflicting flags
   */
  public static ControllerConfig parse(String... args) {
    return parse(System.getenv(), args);
  }

  /**
   * Parses {@code --flag value} and {@code --flag=value} arguments.
   *
   * @param env the environment: {@code POD_NAME}, {@code POD_NAMESPACE} and {@code HOSTNAME} name
   *     this replica in leader election
   * @throws IllegalArgumentException with a one-line message on an unknown flag, a missing or
   *     invalid value, or conflicting flags
   */
  public static ControllerConfig parse(Map<String, String> env, String... args) {
    Map<String, String> values = new HashMap<>();
    for (Flag f : FLAGS) {
      if (f.defaultValue() != null) {
        values.put(f.name(), f.defaultValue());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String flagName = name;
      Flag flag =
          FLAGS.stream()
              .filter(f -> f.name().equals(flagName))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("unknown flag " + flagName));
      if (flag.arg() == null) {
        continue; // --help, handled by wantsHelp
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value (" + flag.arg() + ")");
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    if (values.containsKey("--manifests") && values.containsKey("--kubeconfig")) {
      throw new IllegalArgumentException("--manifests and --kubeconfig exclude each other");
    }
    if (values.containsKey("--publish-address") && values.containsKey("--publish-service")) {
      throw new IllegalArgumentException(
          "--publish-address and --publish-service exclude each other");
    }
    Duration debounce = Duration.ofMillis(nonNegative(values, "--debounce-ms"));
    Duration maxDelay = Duration.ofMillis(nonNegative(values, "--debounce-max-ms"));
    if (maxDelay.compareTo(debounce) < 0) {
      throw new IllegalArgumentException("--debounce-max-ms must be at least --debounce-ms");
    }
    return new ControllerConfig(
        Optional.ofNullable(values.get("--manifests")).map(Path::of),
        Optional.ofNullable(values.get("--kubeconfig")).map(Path::of),
        Optional.ofNullable(values.get("--namespace")).filter(s -> !s.isEmpty()),
        values.get("--grpc-address"),
        port(values, "--grpc-port"),
        values.get("--admin-address"),
        port(values, "--admin-port"),
        port(values, "--http-port"),
        port(values, "--https-port"),
        values.get("--controller-name"),
        values.get("--gateway-controller-name"),
        Optional.ofNullable(values.get("--publish-address")).stream()
            .flatMap(s -> Arrays.stream(s.split(",")))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList(),
        Optional.ofNullable(values.get("--publish-service")).map(ControllerConfig::serviceRef),
        debounce,
        maxDelay,
        leaderElection(values, env));
  }

  /** Empty in local mode (no API server, no Lease) and with {@code --leader-elect=false}. */
  private static Optional<LeaderElectionSettings> leaderElection(
      Map<String, String> values, Map<String, String> env) {
    boolean elect =
        switch (values.get("--leader-elect")) {
          case "true" -> true;
          case "false" -> false;
          default ->
              throw new IllegalArgumentException(
                  "--leader-elect must be true or false, got '"
                      + values.get("--leader-elect")
                      + "'");
        };
    if (!elect || values.containsKey("--manifests")) {
      return Optional.empty();
    }
    String namespace =
        Optional.ofNullable(values.get("--leader-election-namespace"))
            .or(() -> Optional.ofNullable(env.get("POD_NAMESPACE")))
            .filter(s -> !s.isBlank())
            .orElse("default");
    String lease = values.get("--leader-election-id");
    if (lease.isBlank()) {
      throw new IllegalArgumentException("--leader-election-id must not be empty");
    }
    try {
      return Optional.of(
          new LeaderElectionSettings(
              namespace,
              lease,
              identity(env),
              Duration.ofMillis(nonNegative(values, "--lease-duration-ms")),
              Duration.ofMillis(nonNegative(values, "--renew-deadline-ms")),
              Duration.ofMillis(nonNegative(values, "--retry-period-ms"))));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--lease-duration-ms, --renew-deadline-ms, --retry-period-ms: " + e.getMessage(), e);
    }
  }

  /**
   * {@code $POD_NAME}, else the host name, plus a random suffix: two processes on one host differ,
   * and a restarted process never mistakes its predecessor's Lease for its own.
   */
  private static String identity(Map<String, String> env) {
    String base =
        Optional.ofNullable(env.get("POD_NAME"))
            .or(() -> Optional.ofNullable(env.get("HOSTNAME")))
            .filter(s -> !s.isBlank())
            .orElseGet(ControllerConfig::hostname);
    return base + "_" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "weir-controller";
    }
  }

  /** Local mode reads a folder; otherwise the Kubernetes API is watched. */
  public boolean localMode() {
    return manifests.isPresent();
  }

  /** The settings the snapshot pipeline needs. */
  public IngressOptions ingressOptions() {
    IngressOptions d = IngressOptions.defaults();
    return new IngressOptions(
        controllerName,
        httpPort,
        httpsPort,
        d.connectTimeout(),
        d.responseTimeout(),
        gatewayControllerName);
  }

  private static int port(Map<String, String> values, String name) {
    int port = integer(values, name);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be within 0..65535, got " + port);
    }
    return port;
  }

  private static long nonNegative(Map<String, String> values, String name) {
    int v = integer(values, name);
    if (v < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + v);
    }
    return v;
  }

  private static int integer(Map<String, String> values, String name) {
    String v = values.get(name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
    }
  }

  private static ObjectRef serviceRef(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("--publish-service needs NS/NAME, got '" + value + "'");
    }
    return new ObjectRef("Service", parts[0], parts[1]);
  }
}
