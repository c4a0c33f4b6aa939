package dev.weir.e2e;

import static org.awaitility.Awaitility.await;

import dev.weir.testing.PrometheusText;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The programs of one end-to-end scenario: a controller and one data plane as separate processes,
 * wired together on free loopback ports. Either watches the mock API server (through a kubeconfig)
 * or a folder of YAML (local mode). Owned by one test class.
 */
final class WeirStack implements AutoCloseable {

  private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([0-9a-f]*)\"");

  /** The address a Kubernetes stack's controller writes to its Ingresses' status. */
  static final String PUBLISHED_ADDRESS = "203.0.113.10";

  /** The address the data plane's proxy listeners bind (a loopback address). */
  final String bindAddress;

  final int httpPort;
  final int httpsPort;
  final int grpcPort;
  final WeirProcess controller;
  final WeirProcess dataplane;
  final int probePort;
  final int dataplaneAdminPort;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private WeirStack(Path logDir, List<String> sourceArgs, String bindAddress) {
    this(logDir, sourceArgs, bindAddress, List.of());
  }

  private WeirStack(
      Path logDir, List<String> sourceArgs, String bindAddress, List<String> dataplaneArgs) {
    this.bindAddress = bindAddress;
    httpPort = freePort();
    httpsPort = freePort();
    grpcPort = freePort();
    List<String> args = new ArrayList<>(sourceArgs);
    args.addAll(
        List.of(
            "--grpc-port", Integer.toString(grpcPort),
            "--admin-port", "0",
            "--http-port", Integer.toString(httpPort),
            "--https-port", Integer.toString(httpsPort),
            "--debounce-ms", "50"));
    controller = WeirProcess.controller(logDir, args.toArray(String[]::new));
    controller.port("admin");
    List<String> dpArgs =
        new ArrayList<>(
            List.of(
                "--controller",
                "127.0.0.1:" + grpcPort,
                "--node-id",
                "e2e-dataplane",
                "--bind-address",
                bindAddress,
                "--probe-address",
                "127.0.0.1",
                "--probe-port",
                "0",
                "--admin-port",
                "0"));
    dpArgs.addAll(dataplaneArgs);
    dataplane = WeirProcess.dataplane(logDir, dpArgs.toArray(String[]::new));
    probePort = dataplane.port("probe");
    dataplaneAdminPort = dataplane.port("admin");
  }

  /**
   * A stack whose controller watches the API server behind {@code kubeconfig}. It is the only
   * replica, so it runs without leader election and leads at once, also after a restart ({@code
   * LeaderElectionE2E} runs two replicas with an election).
   */
  static WeirStack kubernetes(Path logDir, Path kubeconfig) {
    return kubernetes(logDir, kubeconfig, "127.0.0.1");
  }

  /**
   * A stack whose controller watches the API server behind {@code kubeconfig} and whose data plane
   * binds its proxy listeners to {@code bindAddress} (another loopback address lets a scenario use
   * a literal port such as 8080 without colliding with whatever holds it on 127.0.0.1).
   */
  static WeirStack kubernetes(Path logDir, Path kubeconfig, String bindAddress) {
    return kubernetes(logDir, kubeconfig, bindAddress, List.of());
  }

  /** As above, with {@code dataplaneArgs} (such as {@code --plugin-dir DIR}) added to its flags. */
  static WeirStack kubernetes(
      Path logDir, Path kubeconfig, String bindAddress, List<String> dataplaneArgs) {
    return new WeirStack(
        logDir,
        List.of(
            "--kubeconfig",
            kubeconfig.toString(),
            "--publish-address",
            PUBLISHED_ADDRESS,
            "--leader-elect",
            "false"),
        bindAddress,
        dataplaneArgs);
  }

  /**
   * Leader-election timings for tests: a killed leader's Lease expires after 2 s (the default is 15
   * s), and candidates retry every 250 ms.
   */
  static final List<String> SHORT_LEASE =
      List.of(
          "--lease-duration-ms", "2000", "--renew-deadline-ms", "1500", "--retry-period-ms", "250");

  /** A stack whose controller runs in local mode on {@code manifests}. */
  static WeirStack local(Path logDir, Path manifests) {
    return new WeirStack(logDir, List.of("--manifests", manifests.toString()), "127.0.0.1");
  }

  /** Waits until the data plane reports ready (it has applied a first snapshot). */
  void awaitReady() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status(client, "http://127.0.0.1:" + probePort + "/ready") == 200);
  }

  /** The snapshot version the data plane is serving, from its admin {@code /config}. */
  String servingVersion() {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + dataplaneAdminPort + "/config"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = VERSION.matcher(r.body());
      return r.statusCode() == 200 && m.find() ? m.group(1) : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The controller's {@code /nodes} JSON (from the controller's current run's admin port). */
  String nodes() throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + controller.port("admin") + "/nodes"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** GET {@code path} through the data plane's HTTP listener with {@code Host: host}. */
  HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
    return client.send(request(host, path), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET request through the data plane's HTTP listener with {@code Host: host}. */
  HttpRequest request(String host, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + bindAddress + ":" + httpPort + path))
        .header("Host", host)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  HttpClient client() {
    return client;
  }

  /** The data plane's meters, scraped from its probe port's {@code /metrics} as Prometheus does. */
  PrometheusText dataplaneMetrics() throws IOException, InterruptedException {
    return PrometheusText.parse(
        client
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + probePort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The status of a GET of {@code url}, or -1 when it fails (nothing listens yet, say). */
  static int status(HttpClient client, String url) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * A port that is free now, for a process to bind later. It is taken below Linux's ephemeral range
   * (32768 and up), so that no socket bound to port 0 meanwhile (an admin server, a client's local
   * end) can take it first.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port)) {
        s.setReuseAddress(true);
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port in 20000-31999");
  }

  /** Stops both programs; fails if either logged a Netty buffer leak. */
  @Override
  public void close() {
    dataplane.close();
    controller.close();
    try {
      for (WeirProcess p : List.of(controller, dataplane)) {
        if (p.output().contains("LEAK:")) {
          throw new AssertionError("Netty reported a buffer leak; see the " + p + " log");
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
