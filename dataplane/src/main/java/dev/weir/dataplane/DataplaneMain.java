package dev.weir.dataplane;

import dev.weir.dataplane.admin.AdminServer;
import dev.weir.dataplane.admin.ProbeServer;
import dev.weir.dataplane.config.Backoff;
import dev.weir.dataplane.config.ConfigClient;
import dev.weir.dataplane.config.SnapshotApplier;
import dev.weir.dataplane.config.SnapshotFile;
import dev.weir.dataplane.server.ProxyRuntime;
import dev.weir.dataplane.server.ProxySettings;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's entry point: parses {@link DataplaneConfig}, starts the proxy, the probe and
 * admin servers and the config client, wired with constructors, and shuts them down in reverse on
 * SIGTERM. Exit codes: 0 after {@code --help}, 1 when start-up fails, 2 for a bad command line.
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

  /** The proxy settings for {@code config}: its thread count and bind address, else defaults. */
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
        d.maxIdlePerEndpoint());
  }

  private static void run(DataplaneConfig config) {
    ProxyRuntime runtime = null;
    ConfigClient client = null;
    ProbeServer probe = null;
    AdminServer admin = null;
    try {
      runtime = ProxyRuntime.start(proxySettings(config), config.tlsTicketRotation());
      SnapshotApplier applier = runtime.applier();
      client =
          new ConfigClient(
              config.controllerHost(),
              config.controllerPort(),
              config.node(),
              applier,
              config.snapshotFile().map(SnapshotFile::new),
              Backoff.defaults());
      probe = ProbeServer.start(config.probeAddress(), config.probePort(), client::hasApplied);
      log.info("probe listening on {}", probe.hostPort());
      admin =
          AdminServer.start(
              config.adminAddress(), config.adminPort(), applier::current, client::state);
      log.info("admin listening on {}", admin.hostPort());
      client.start();
    } catch (IOException | RuntimeException e) {
      log.error("data plane failed to start: {}", e.toString(), e);
      closeAll(Arrays.asList(client, runtime, admin, probe));
      System.exit(1);
      return;
    }
    // On SIGTERM: the client first (no more applies), then the proxy (stops accepting, finishes
    // in-flight exchanges), then the admin and probe ports.
    List<AutoCloseable> closeOrder = List.of(client, runtime, admin, probe);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  closeAll(closeOrder);
                  log.info("stopped");
                  stopped.countDown();
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
