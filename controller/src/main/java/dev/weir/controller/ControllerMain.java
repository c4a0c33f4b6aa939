package dev.weir.controller;

import dev.weir.controller.admin.AdminServer;
import dev.weir.controller.admin.Readiness;
import dev.weir.controller.compile.SnapshotPipeline;
import dev.weir.controller.leader.LeaderElection;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.BuildListener;
import dev.weir.controller.loop.ControllerLoop;
import dev.weir.controller.observe.ControllerMetrics;
import dev.weir.controller.push.ConfigDiscoveryService;
import dev.weir.controller.push.ConfigServer;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.source.DirectorySource;
import dev.weir.controller.source.KubernetesSource;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.source.Source;
import dev.weir.controller.status.GatewayApiStatusWriter;
import dev.weir.controller.status.IngressStatusWriter;
import dev.weir.controller.status.ProblemLog;
import dev.weir.controller.status.PublishTarget;
import dev.weir.controller.translate.IngressOwnership;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller program: parses {@link ControllerConfig}, wires source → loop → push, status and
 * admin with constructors, and runs until SIGTERM (a shutdown hook closes everything in reverse
 * order).
 *
 * <p>On start it logs {@code grpc listening on HOST:PORT} and {@code admin listening on HOST:PORT}
 * with the ports actually bound (so {@code --grpc-port 0} works); end-to-end tests parse these two
 * lines. Exit codes: 0 after {@code --help}, 1 when start-up fails, 2 on bad flags.
 *
 * <p>Every replica watches, builds and keeps its snapshot current (a warm standby); only the leader
 * ({@link Leadership}) writes status and Events and serves data planes. The election starts last,
 * once everything that listens to it is wired, and stops first, releasing the Lease.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once; thread-safe.
 */
public final class ControllerMain implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControllerMain.class);

  private final ControllerConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private ConfigServer grpc;
  private AdminServer admin;
  private ControllerLoop loop;
  private Leadership leadership;

  /**
   * @param config the parsed configuration
   */
  public ControllerMain(ControllerConfig config) {
    this.config = config;
  }

  /** Runs the controller; see the class comment for exit codes. */
  public static void main(String[] args) {
    if (ControllerConfig.wantsHelp(args)) {
      System.out.print(ControllerConfig.usage());
      System.exit(0);
    }
    ControllerConfig config;
    try {
      config = ControllerConfig.parse(args);
      if (config.manifests().isPresent() && !Files.isDirectory(config.manifests().get())) {
        throw new IllegalArgumentException(
            "--manifests: not a directory: " + config.manifests().get());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("weir-controller: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    ControllerMain controller = new ControllerMain(config);
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("weir-shutdown").unstarted(controller::close));
    try {
      controller.start();
    } catch (IOException | RuntimeException e) {
      log.error("start-up failed: {}", e.toString());
      controller.close();
      System.exit(1);
    }
    controller.awaitClose();
  }

  /** Starts every part; on failure, what was started stays registered for {@link #close()}. */
  public synchronized ControllerMain start() throws IOException {
    ObjectStore store = new ObjectStore();
    NodeRegistry registry = new NodeRegistry();
    leadership =
        config
            .leaderElection()
            .map(s -> Leadership.elected(s.identity()))
            .orElseGet(() -> Leadership.alwaysLeader("weir-controller"));
    ControllerMetrics metrics = register(ControllerMetrics.create(registry, leadership));
    ConfigDiscoveryService push = new ConfigDiscoveryService(registry, leadership);
    grpc =
        register(
            new ConfigServer(new InetSocketAddress(config.grpcAddress(), config.grpcPort()), push)
                .start());
    log.info("grpc listening on {}:{}", grpc.host(), grpc.port());

    IngressOwnership ownership = new IngressOwnership(config.controllerName());
    List<BuildListener> listeners = new ArrayList<>();
    listeners.add(new ProblemLog());
    Source source;
    KubernetesClient client = null;
    if (config.manifests().isPresent()) {
      source =
          new DirectorySource(
              config.manifests().get(),
              store,
              DirectorySource.DEFAULT_POLL_INTERVAL,
              metrics.events());
    } else {
      client = register(kubernetesClient());
      source = new KubernetesSource(client, config.namespace(), store, metrics.events());
      listeners.add(
          register(
              new IngressStatusWriter(
                  client,
                  ownership,
                  publishTarget(),
                  "weir-controller",
                  leadership,
                  metrics.statusWrites())));
      listeners.add(
          register(
              new GatewayApiStatusWriter(
                  client,
                  registry,
                  publishTarget(),
                  config.gatewayControllerName(),
                  "weir-controller",
                  leadership,
                  metrics.statusWrites())));
    }
    SnapshotPipeline pipeline = new SnapshotPipeline(config.ingressOptions());
    loop =
        new ControllerLoop(
            List.of(source),
            store,
            // Per-Gateway snapshots only for the Gateways that connected pods are dedicated to.
            state -> pipeline.build(state, registry.servedGateways()::contains),
            ownership::referencedSecrets,
            push::publish,
            listeners,
            metrics.builds(),
            config.debounce(),
            config.maxDelay());

    ControllerLoop built = loop;
    registry.addListener(
        node -> {
          if (node.connected()) {
            built.gatewayServed(node.gateway());
          }
        });
    admin =
        register(
            new AdminServer(
                    new InetSocketAddress(config.adminAddress(), config.adminPort()),
                    registry,
                    loop::lastBuild,
                    source::problems,
                    this::readiness,
                    metrics)
                .start());
    log.info("admin listening on {}:{}", admin.host(), admin.port());

    register(loop);
    loop.start();
    if (client != null && config.leaderElection().isPresent()) {
      register(new LeaderElection(client, config.leaderElection().get(), leadership).start());
    }
    log.info(
        "weir controller started: grpc {}:{}, admin {}:{}, source {}, controller name {}, {}",
        grpc.host(),
        grpc.port(),
        admin.host(),
        admin.port(),
        config
            .manifests()
            .map(p -> "folder " + p)
            .orElse("kubernetes " + config.namespace().orElse("(all namespaces)")),
        config.controllerName(),
        config
            .leaderElection()
            .map(
                s ->
                    "leader election on Lease "
                        + s.namespace()
                        + "/"
                        + s.leaseName()
                        + " as "
                        + s.identity())
            .orElse("no leader election (always the leader)"));
    return this;
  }

  /** Ready for data planes: the leader, once it has built from synced sources. */
  private Readiness readiness() {
    if (!leadership.isLeader()) {
      String leader = leadership.leader();
      return new Readiness(
          false, "standby; the leader is " + (leader.isEmpty() ? "not known yet" : leader));
    }
    return loop.lastBuild().isPresent()
        ? new Readiness(true, "leader")
        : new Readiness(false, "leader, waiting for the first build");
  }

  private KubernetesClient kubernetesClient() {
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    config.kubeconfig().ifPresent(p -> builder.withConfig(Config.fromKubeconfig(p.toFile())));
    return builder.build();
  }

  private PublishTarget publishTarget() {
    if (!config.publishAddresses().isEmpty()) {
      return new PublishTarget.Addresses(config.publishAddresses());
    }
    return config
        .publishService()
        .<PublishTarget>map(PublishTarget.FromService::new)
        .orElseGet(PublishTarget.None::new);
  }

  private <T extends AutoCloseable> T register(T closeable) {
    started.push(closeable);
    return closeable;
  }

  /** The bound gRPC port. */
  public synchronized int grpcPort() {
    return grpc.port();
  }

  /** The bound admin port. */
  public synchronized int adminPort() {
    return admin.port();
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops everything, last started first. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    log.info("weir controller stopping");
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    closed.countDown();
    log.info("weir controller stopped");
  }
}
