package dev.weir.dataplane;

import dev.weir.dataplane.admin.AdminServer;
import dev.weir.dataplane.admin.ProbeServer;
import dev.weir.dataplane.config.Backoff;
import dev.weir.dataplane.config.ConfigClient;
import dev.weir.dataplane.config.SnapshotApplier;
import dev.weir.dataplane.config.SnapshotFile;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.plugin.PluginLoader;
import dev.weir.dataplane.server.ProxyRuntime;
import dev.weir.dataplane.server.ProxySettings;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's entry point: parses {@link DataplaneConfig}, starts the proxy, the probe and
 * admin servers and the config client, wired with constructors, and on SIGTERM drains gracefully
 * ({@link ProxyRuntime#drain}) and shuts them down in reverse. Exit codes: 0 after {@code --help}
 * and after a drain, 1 when start-up fails, 2 for a bad command line.
 */
public final class DataplaneMain {

  private static final Logger log = LoggerFactory.getLogger(DataplaneMain.class);

  private DataplaneMain() {}

  public static void main(String[] args) {
    switch (DataplaneConfig.parse(List.of(args), System.getenv())) {
      case DataplaneConfig.Help help -> {
        System.out.print(help.text());
        System.out.flush();
      }
      case DataplaneConfig.Invalid invalid -> {
        System.err.println("weir-dataplane: " + invalid.message() + " (see --help)");
        System.exit(2);
      }
      case DataplaneConfig.Run run -> run(run.config());
    }
  }

  /**
   * Netty's leak detector samples one buffer in 128 and records a stack trace for it, about 1.5% of
   * the event loop's time under load (profiled). The tests run with it at paranoid; in production
   * it is off unless {@code -Dio.netty.leakDetection.level} asks for it.
   */
  private static void quietLeakDetector() {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /**
   * The proxy settings for {@code config}: its thread count, bind address and HTTP/1.1 limits, else
   * defaults.
   */
  static ProxySettings proxySettings(DataplaneConfig config) {
    ProxySettings d = ProxySettings.defaults();
    return new ProxySettings(
        config.ioThreads(),
        config.bindAddress(),
        d.maxInitialLineLength(),
        d.maxHeaderSize(),
        d.maxHeaderCount(),
        d.downstreamIdleTimeout(),
        d.upstreamIdleTimeout(),
        d.defaultConnectTimeout(),
        d.defaultResponseTimeout(),
        d.maxIdlePerEndpoint(),
        config.http1(),
        config.http2());
  }

  private static void run(DataplaneConfig config) {
    quietLeakDetector();
    ProxyRuntime runtime = null;
    ConfigClient client = null;
    ProbeServer probe = null;
    AdminServer admin = null;
    Telemetry telemetry = null;
    try {
      FilterPlugins plugins =
          config.pluginDir().map(PluginLoader::load).orElse(FilterPlugins.none());
      telemetry = Telemetry.create(config.accessLog(), config.tracing());
      runtime =
          ProxyRuntime.start(proxySettings(config), config.tlsTicketRotation(), plugins, telemetry);
      SnapshotApplier applier = runtime.applier();
      client =
          new ConfigClient(
              config.controllers(),
              config.node(),
              applier,
              config.snapshotFile().map(SnapshotFile::new),
              Backoff.defaults(),
              runtime.telemetry().registry());
      ConfigClient applied = client;
      ProxyRuntime proxy = runtime;
      // Ready once a snapshot serves, and no longer once a drain began (ARCHITECTURE property 5).
      probe =
          ProbeServer.start(
              config.probeAddress(),
              config.probePort(),
              () -> applied.hasApplied() && !proxy.draining(),
              proxy.telemetry()::scrape);
      log.info("probe listening on {}", probe.hostPort());
      admin =
          AdminServer.start(
              config.adminAddress(),
              config.adminPort(),
              applier::current,
              client::state,
              runtime.configApplier()::endpointHealth,
              runtime.telemetry()::scrape);
      log.info("admin listening on {}", admin.hostPort());
      client.start();
    } catch (IOException | RuntimeException e) {
      log.error("data plane failed to start: {}", e.toString(), e);
      closeAll(Arrays.asList(client, runtime, admin, probe, telemetry));
      System.exit(1);
      return;
    }
    // On SIGTERM: the client first (no more applies), then the graceful drain (stop accepting,
    // fail readiness, GOAWAY / Connection: close, in-flight requests finish within the drain
    // period), then the proxy, admin and probe ports, and last the telemetry: the access-log lines
    // of the drained requests and the spans still queued.
    ConfigClient configClient = client;
    ProxyRuntime proxy = runtime;
    List<AutoCloseable> closeOrder = List.of(runtime, admin, probe, telemetry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down: draining for up to {}", config.drainPeriod());
                  closeAll(List.of(configClient));
                  proxy.drain(config.drainPeriod());
                  closeAll(closeOrder);
                  log.info("stopped");
                  stopped.countDown();
                  // A drain that ran its course is a clean stop: exit 0, not the JVM's 143 for
                  // SIGTERM. halt() ends the process here, so no hook may run after this one.
                  Runtime.getRuntime().halt(0);
                },
                "weir-shutdown"));
    // Every thread of the data plane is a daemon; this one keeps the process alive until SIGTERM.
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error closing {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
