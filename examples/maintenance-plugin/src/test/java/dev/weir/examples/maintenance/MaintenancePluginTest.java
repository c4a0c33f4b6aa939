package dev.weir.examples.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Endpoint;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.PluginFilter;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.plugin.PluginLoader;
import dev.weir.dataplane.server.ProxyRuntime;
import dev.weir.dataplane.server.ProxySettings;
import dev.weir.testing.EchoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin as the data plane runs it: packed into a jar, found by {@link PluginLoader} in
 * a plugin folder through its service file, and run by a real proxy in front of a real backend.
 */
class MaintenancePluginTest {

  private static final String CONFIG =
      """
      {"message": "Back at 14:00 UTC", "retryAfterSeconds": 600,
       "bypassHeader": "x-operator", "bypassValue": "letmein"}""";

  private final HttpClient client = HttpClient.newHttpClient();
  private ProxyRuntime proxy;
  private EchoServer backend;
  private int port;

  @BeforeEach
  void start(@TempDir Path plugins) throws Exception {
    pack(Path.of("target/classes"), plugins.resolve("maintenance.jar"));
    proxy =
        ProxyRuntime.start(
            ProxySettings.defaults().withBindAddress("127.0.0.1"),
            Duration.ofHours(1),
            PluginLoader.load(plugins));
    backend = EchoServer.start("shop");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  /** Jars up the plugin's compiled classes and service file, as its Maven build does. */
  private static void pack(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        j.write(Files.readAllBytes(f));
        j.closeEntry();
      }
    }
  }

  private void serve(String config) throws SnapshotRejectedException {
    Route route =
        Route.newBuilder()
            .setName("shop")
            .setSource("HTTPRoute shop/shop")
            .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue("/"))
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setCluster("shop").setWeight(1)))
            .setFilters(
                RouteFilters.newBuilder()
                    .addPlugins(
                        PluginFilter.newBuilder()
                            .setName("maintenance")
                            .setConfigJson(config)
                            .setSource("shop/shop-maintenance")))
            .build();
    proxy
        .applier()
        .apply(
            ConfigSnapshot.newBuilder()
                .setVersion("v1")
                .setGeneration(1)
                .addListeners(
                    Listener.newBuilder()
                        .setName("web")
                        .setPort(port)
                        .setProtocol(Listener.Protocol.HTTP)
                        .setRouteTable("rt"))
                .addRouteTables(
                    RouteTable.newBuilder()
                        .setName("rt")
                        .addVirtualHosts(
                            VirtualHost.newBuilder()
                                .setName("any")
                                .addDomains("*")
                                .addRoutes(route)))
                .addClusters(
                    Cluster.newBuilder()
                        .setName("shop")
                        .setConnectTimeoutMs(1000)
                        .addEndpoints(
                            Endpoint.newBuilder().setAddress("127.0.0.1").setPort(backend.port())))
                .build());
  }

  private HttpResponse<String> get(String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cart"))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsGetTheMaintenancePageWithoutReachingTheBackend() throws Exception {
    serve(CONFIG);
    HttpResponse<String> r = get();
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("Back at 14:00 UTC\n");
    assertThat(r.headers().firstValue("retry-after")).hasValue("600");
    assertThat(backend.requests()).isZero();
  }

  @Test
  void theBypassHeaderLetsOperatorsThrough() throws Exception {
    serve(CONFIG);
    HttpResponse<String> r = get("x-operator", "letmein");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("backend=shop", "uri=/cart");
    assertThat(r.headers().firstValue("retry-after")).isEmpty();
    assertThat(get("x-operator", "guess").statusCode()).isEqualTo(503);
  }

  @Test
  void aBadConfigIsRejectedWithTheReason() {
    assertThatThrownBy(() -> serve("{\"retryAfterSeconds\": 60}"))
        .isInstanceOf(SnapshotRejectedException.class)
        .hasMessageContaining("FilterExtension shop/shop-maintenance")
        .hasMessageContaining("message is required");
    assertThatThrownBy(() -> serve("{\"message\": \"x\", \"bypassHeader\": \"x-operator\"}"))
        .hasMessageContaining("bypassHeader and bypassValue go together");
  }

  @Test
  void theServiceFileNamesThePlugin() {
    FilterPlugins loaded = FilterPlugins.of(List.of(new MaintenancePlugin()));
    assertThat(loaded.names()).containsExactly("maintenance");
  }
}
