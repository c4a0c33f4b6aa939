package dev.weir.dataplane.server;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.plugin.FilterPlugins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A running proxy on 127.0.0.1 with two io threads, plus a JDK client. Close after use. */
final class ProxyFixture implements AutoCloseable {

  final ProxyRuntime runtime;
  private final Telemetry telemetry;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  ProxyFixture() {
    this(ProxySettings.defaults());
  }

  /** A proxy with these HTTP/1.1 limits (tests of slow or greedy clients use small ones). */
  ProxyFixture(Http1Limits limits) {
    this(ProxySettings.defaults().withHttp1(limits));
  }

  /** A proxy whose client HTTP/2 connections are held to {@code http2}. */
  ProxyFixture(Http2Limits http2) {
    this(ProxySettings.defaults().withHttp2(http2));
  }

  /** A proxy whose routes may use {@code plugins}. */
  ProxyFixture(FilterPlugins plugins) {
    this(ProxySettings.defaults(), plugins);
  }

  /** A proxy observed by {@code telemetry} (tracing tests), which {@link #close} closes. */
  ProxyFixture(Telemetry telemetry) {
    this(ProxySettings.defaults(), FilterPlugins.none(), telemetry);
  }

  private ProxyFixture(ProxySettings settings) {
    this(settings, FilterPlugins.none());
  }

  private ProxyFixture(ProxySettings settings, FilterPlugins plugins) {
    this(settings, plugins, Telemetry.create());
  }

  private ProxyFixture(ProxySettings settings, FilterPlugins plugins, Telemetry telemetry) {
    this.telemetry = telemetry;
    ProxySettings d = settings.withBindAddress("127.0.0.1");
    this.runtime =
        ProxyRuntime.start(
            new ProxySettings(
                2,
                d.bindAddress(),
                d.maxInitialLineLength(),
                d.maxHeaderSize(),
                d.maxHeaderCount(),
                d.downstreamIdleTimeout(),
                d.upstreamIdleTimeout(),
                d.defaultConnectTimeout(),
                d.defaultResponseTimeout(),
                d.maxIdlePerEndpoint(),
                d.http1(),
                d.http2()),
            Duration.ofHours(1),
            plugins,
            telemetry);
  }

  void apply(ConfigSnapshot snapshot) throws SnapshotRejectedException {
    runtime.applier().apply(snapshot);
  }

  /**
   * Opens a plain HTTP listener on a free port that forwards every request to the backend on
   * 127.0.0.1:{@code backendPort} ({@link Snapshots#forwardAll}); returns the listener's port.
   */
  int forwardAll(int backendPort) throws SnapshotRejectedException {
    int port = Snapshots.freePort();
    apply(Snapshots.forwardAll(port, backendPort));
    return port;
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    client.close();
    runtime.close();
    telemetry.close();
  }
}
