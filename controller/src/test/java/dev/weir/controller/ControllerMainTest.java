package dev.weir.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Node;
import dev.weir.testing.PrometheusText;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerMainTest {

  @TempDir Path dir;

  @Test
  void localModeServesSnapshotsAndTheAdminPort() throws Exception {
    Files.writeString(
        dir.resolve("svc.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        """);
    try (ControllerMain controller = new ControllerMain(localConfig(dir)).start();
        HttpClient http = HttpClient.newHttpClient()) {
      BlockingQueue<ConfigSnapshot> received = new LinkedBlockingQueue<>();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
      try {
        StreamObserver<ConfigRequest> requests =
            ConfigDiscoveryGrpc.newStub(channel).stream(new Collect(received));
        requests.onNext(
            ConfigRequest.newBuilder().setNode(Node.newBuilder().setId("gw-1")).build());

        ConfigSnapshot first = received.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getGeneration()).isEqualTo(1);

        String nodes =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + controller.adminPort() + "/nodes"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(nodes).contains("\"gw-1\"");
        // Local mode counts the folder's objects as events too.
        String metrics =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + controller.adminPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(
                PrometheusText.parse(metrics)
                    .sum(
                        "weir_controller_events_total", Map.of("kind", "Service", "type", "added")))
            .isEqualTo(1);
        requests.onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Local mode on {@code dir}, gRPC and admin on free ports, a short debounce. */
  static ControllerConfig localConfig(Path dir) {
    return ControllerConfig.parse(
        "--manifests",
        dir.toString(),
        "--grpc-address",
        "127.0.0.1",
        "--grpc-port",
        "0",
        "--admin-port",
        "0",
        "--debounce-ms",
        "10",
        "--debounce-max-ms",
        "50");
  }

  @Test
  void helpPrintsEveryFlagAndExitsZero() throws Exception {
    Run r = run("--help");
    assertThat(r.exit).isZero();
    assertThat(r.output).contains("--grpc-port PORT").contains("(default 18000)");
  }

  @Test
  void badFlagPrintsOneLineAndExitsTwo() throws Exception {
    Run r = run("--no-such-flag");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.output.strip())
        .isEqualTo("weir-controller: unknown flag --no-such-flag (see --help)");
  }

  @Test
  void processLogsItsBoundPortsAndExitsOnSigterm() throws Exception {
    Process p = javaProcess("--manifests", dir.toString(), "--grpc-port", "0", "--admin-port", "0");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                  } catch (Exception e) {
                    // the process ended
                  }
                });
    try {
      Pattern grpc = Pattern.compile("grpc listening on (\\S+):(\\d+)");
      Pattern admin = Pattern.compile("admin listening on (\\S+):(\\d+)");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> lines.stream().anyMatch(l -> l.contains("weir controller started")));
      assertThat(Integer.parseInt(find(lines, grpc).group(2))).isPositive();
      int adminPort = Integer.parseInt(find(lines, admin).group(2));
      assertThat(find(lines, admin).group(1)).isEqualTo("127.0.0.1");
      try (HttpClient http = HttpClient.newHttpClient()) {
        assertThat(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + adminPort + "/healthz"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      // 128 + SIGTERM(15): the JVM ran its shutdown hooks and exited.
      assertThat(p.exitValue()).isEqualTo(143);
    } finally {
      p.destroyForcibly();
    }
  }

  private static Matcher find(List<String> lines, Pattern pattern) {
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  private record Run(int exit, String output) {}

  private static Run run(String... args) throws Exception {
    Process p = javaProcess(args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static Process javaProcess(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Xmx128m");
    cmd.add(ControllerMain.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Puts every snapshot a stream receives in {@code queue}. */
  record Collect(BlockingQueue<ConfigSnapshot> queue) implements StreamObserver<ConfigSnapshot> {
    @Override
    public void onNext(ConfigSnapshot value) {
      queue.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
