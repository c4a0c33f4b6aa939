package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.config.v1.PluginFilter;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.dataplane.filter.FilterPlugin;
import dev.weir.dataplane.filter.ProxyFilter;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.testing.EchoServer;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plugin filters through the real proxy: typed config per route, order, early answers, a plugin
 * waiting ({@code ctx.defer}) before the next runs, and a plugin that throws failing only its own
 * request.
 */
class ProxyPluginFiltersIT {

  /** Adds {@code x-<tag>} upstream and appends {@code tag} to {@code x-trail} on the response. */
  public static final class TagPlugin implements FilterPlugin<TagPlugin.Config> {
    /** The route's tag, and an optional wait (ms) before the request goes on. */
    public record Config(String tag, int waitMillis) {}

    @Override
    public String name() {
      return "tag";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public ProxyFilter create(Config config) {
      if (config.tag() == null || config.tag().isBlank()) {
        throw new IllegalArgumentException("tag is required");
      }
      return new ProxyFilter() {
        @Override
        public void onRequest(RequestContext ctx, HttpRequest request) {
          request.headers().add("x-trail", config.tag());
          if (config.waitMillis() > 0) {
            CompletableFuture<Void> wait = new CompletableFuture<>();
            ctx.executor()
                .schedule(() -> wait.complete(null), config.waitMillis(), TimeUnit.MILLISECONDS);
            ctx.defer(wait);
          }
        }

        @Override
        public void onResponse(RequestContext ctx, HttpResponse response) {
          response.headers().add("x-trail", config.tag());
        }
      };
    }
  }

  /** Answers 418 itself, or throws when {@code throwOn} is the request's path. */
  public static final class GatePlugin implements FilterPlugin<GatePlugin.Config> {
    /** Paths answered 418, and a path on which the plugin throws. */
    public record Config(String teapotPath, String throwOn) {}

    @Override
    public String name() {
      return "gate";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public ProxyFilter create(Config config) {
      return new ProxyFilter() {
        @Override
        public void onRequest(RequestContext ctx, HttpRequest request) {
          if (ctx.path().equals(config.throwOn())) {
            throw new IllegalStateException("plugin bug");
          }
          if (ctx.path().equals(config.teapotPath())) {
            ctx.answer(new RequestContext.Answer.Direct(418, "teapot\n"));
          }
        }
      };
    }
  }

  private ProxyFixture proxy;
  private EchoServer backend;
  private int port;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(FilterPlugins.of(List.of(new TagPlugin(), new GatePlugin())));
    backend = EchoServer.start("echo");
    port = Snapshots.freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private static PluginFilter plugin(String name, String json) {
    return PluginFilter.newBuilder()
        .setName(name)
        .setConfigJson(json)
        .setSource("default/" + name)
        .build();
  }

  private void serve(PluginFilter... plugins) throws SnapshotRejectedException {
    Route route =
        prefix("all", "/", "backend").toBuilder()
            .setFilters(RouteFilters.newBuilder().addAllPlugins(List.of(plugins)))
            .build();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("any", List.of("*"), route)))
            .addClusters(cluster("backend", backend.port()))
            .build());
  }

  @Test
  void pluginsRunInTheRoutesOrderAndResponsePhasesInReverse() throws Exception {
    serve(
        plugin("tag", "{\"tag\": \"first\", \"waitMillis\": 150}"),
        plugin("tag", "{\"tag\": \"second\"}"));
    long start = System.nanoTime();
    java.net.http.HttpResponse<String> r = proxy.get(port, "/x");
    assertThat(r.statusCode()).isEqualTo(200);
    // The first plugin waited on a timer before the second ran: both reached the backend, in order.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(150);
    assertThat(r.body()).contains("x-trail: first", "x-trail: second");
    assertThat(r.body().indexOf("x-trail: first")).isLessThan(r.body().indexOf("x-trail: second"));
    assertThat(r.headers().allValues("x-trail")).containsExactly("second", "first");
  }

  @Test
  void aPluginMayAnswerItself() throws Exception {
    serve(plugin("gate", "{\"teapotPath\": \"/tea\"}"), plugin("tag", "{\"tag\": \"t\"}"));
    java.net.http.HttpResponse<String> r = proxy.get(port, "/tea");
    assertThat(r.statusCode()).isEqualTo(418);
    assertThat(r.body()).isEqualTo("teapot\n");
    assertThat(backend.requests()).isZero();
  }

  @Test
  void aPluginThatThrowsFailsOnlyItsOwnRequest() throws Exception {
    serve(plugin("gate", "{\"throwOn\": \"/boom\"}"));
    java.net.http.HttpResponse<String> bad = proxy.get(port, "/boom");
    assertThat(bad.statusCode()).isEqualTo(500);
    // The connection, the proxy and other requests are fine.
    assertThat(proxy.get(port, "/fine").statusCode()).isEqualTo(200);
    assertThat(backend.requests()).isEqualTo(1);
  }

  @Test
  void aConfigThatDoesNotFitIsANackNamingTheRouteAndTheFilterExtension() {
    assertThatThrownBy(() -> serve(plugin("tag", "{\"tga\": \"x\"}")))
        .isInstanceOf(SnapshotRejectedException.class)
        .hasMessageContaining("all")
        .hasMessageContaining("FilterExtension default/tag")
        .hasMessageContaining("tga");
    assertThatThrownBy(() -> serve(plugin("absent", "{}")))
        .hasMessageContaining("filter plugin \"absent\" is not loaded");
  }
}
