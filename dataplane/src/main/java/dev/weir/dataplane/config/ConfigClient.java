package dev.weir.dataplane.config;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.ResourceError;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's end of the snapshot protocol ({@code weir/config/v1/config.proto}): opens the
 * {@code Stream} to the controller, applies each snapshot through a {@link SnapshotApplier}, and
 * answers it with an ACK (the new version) or a NACK (the version still serving, plus the reason).
 * When the stream fails it reconnects forever with jittered exponential {@link Backoff}, while the
 * proxy keeps serving the last applied snapshot. Given several controller addresses (replicas, of
 * which only the leader serves), each attempt goes to the next one, round robin: a standby refuses
 * the stream with {@code UNAVAILABLE}, and the attempt after it reaches another replica. With a
 * {@link SnapshotFile}, each applied snapshot is saved, and the saved one is applied at start-up
 * before the controller is reached.
 *
 * <p>Threading: every state change, every apply and every send happens on one dedicated thread
 * ({@code weir-config-client}), never on a gRPC or Netty thread; gRPC callbacks only hand over to
 * it. {@link #state()}, {@link #hasApplied()} and {@link #isConnected()} may be called from any
 * thread. Flow control: one snapshot is requested at a time, so a burst from the controller waits
 * in the transport, not in memory here.
 */
public final class ConfigClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigClient.class);
  private static final long WARN_AFTER_NANOS = Duration.ofSeconds(30).toNanos();
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(5).toNanos();
  // A stream that lived this long was healthy even if it delivered nothing (the controller sends
  // nothing to a node that already holds the current version).
  private static final long HEALTHY_AFTER_NANOS = Duration.ofSeconds(10).toNanos();
  // Snapshots carry every certificate of the cluster; gRPC's 4 MiB default is too small.
  private static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

  private final List<InetSocketAddress> controllers;
  private final Node node;
  private final SnapshotApplier applier;
  private final Optional<SnapshotFile> snapshotFile;
  private final Backoff backoff;
  private final Counter acks;
  private final Counter nacks;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();

  // Written only on the client's thread; volatile so that probes read them from theirs.
  private volatile ConfigClientState state;

  // Confined to the client's thread.
  private ControllerStream attempt;
  private ScheduledFuture<?> pendingReconnect;
  private ManagedChannel lastChannel;
  private boolean closed;
  private long disconnectedSinceNanos;
  private long lastOutageWarnNanos;
  private int attemptIds;
  private int nextController;

  /**
   * @param controllers the controllers' gRPC addresses (unresolved is fine), tried in turn
   * @param node this pod's identity, sent in every request
   * @param applier where snapshots go; called only from the client's thread
   * @param snapshotFile where the last good snapshot is saved and read back at start-up, if
   *     anywhere
   * @param backoff the delays between reconnection attempts; owned by this client from now on
   * @param registry where {@code weir_config_acks_total} and {@code weir_config_nacks_total} go
   */
  public ConfigClient(
      List<InetSocketAddress> controllers,
      Node node,
      SnapshotApplier applier,
      Optional<SnapshotFile> snapshotFile,
      Backoff backoff,
      MeterRegistry registry) {
    this.controllers = List.copyOf(controllers);
    if (this.controllers.isEmpty()) {
      throw new IllegalArgumentException("no controller address");
    }
    this.node = Objects.requireNonNull(node, "node");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.snapshotFile = Objects.requireNonNull(snapshotFile, "snapshotFile");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.acks = Counter.builder("weir.config.acks").description("ACKs sent").register(registry);
    this.nacks = Counter.builder("weir.config.nacks").description("NACKs sent").register(registry);
    this.state = new ConfigClientState(hostPort(this.controllers.get(0)), false, false, "", 0, "");
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "weir-config-client");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Applies the saved snapshot, if there is a usable one, then connects; returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    dispatch(
        () -> {
          disconnectedSinceNanos = System.nanoTime();
          snapshotFile.ifPresent(this::applySaved);
          log.info(
              "connecting to controller {} as node {} ({})",
              controllers.stream().map(ConfigClient::hostPort).toList(),
              node.getId(),
              node.getRole());
          connect();
        });
  }

  /** What the client knows now; safe from any thread. */
  public ConfigClientState state() {
    return state;
  }

  /** Whether a complete snapshot is serving: the readiness condition of the pod. */
  public boolean hasApplied() {
    return state.applied();
  }

  /** Whether a stream to the controller is open on a connected transport. */
  public boolean isConnected() {
    return state.connected();
  }

  /** Ends the stream and stops reconnecting; the applied configuration stays where it is. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    dispatch(
        () -> {
          closed = true;
          if (pendingReconnect != null) {
            pendingReconnect.cancel(false);
          }
          if (attempt != null) {
            attempt.requests().cancel("data plane shutting down", null);
            attempt.channel().shutdownNow();
            attempt = null;
          }
          setState(false, state.lastError());
        });
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("config client did not stop within 10 s");
        executor.shutdownNow();
      }
      // Confined to the client's thread, which has terminated: its writes are visible here.
      if (lastChannel != null) {
        lastChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ on the client's thread

  private void applySaved(SnapshotFile file) {
    Optional<ConfigSnapshot> saved = file.read();
    if (saved.isEmpty()) {
      return;
    }
    ConfigSnapshot snapshot = saved.get();
    long start = System.nanoTime();
    try {
      applier.apply(snapshot);
    } catch (SnapshotRejectedException e) {
      log.warn(
          "saved snapshot {} (version {}) rejected: {}; waiting for the controller",
          file.path(),
          LogText.shortVersion(snapshot.getVersion()),
          LogText.describe(e));
      return;
    } catch (RuntimeException e) {
      log.error("internal error applying saved snapshot {}; waiting for the controller", file, e);
      return;
    }
    recordApplied(snapshot);
    log.info(
        "applied saved snapshot {}: version {} generation {} in {} ms",
        file.path(),
        LogText.shortVersion(snapshot.getVersion()),
        snapshot.getGeneration(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private void connect() {
    pendingReconnect = null;
    if (closed) {
      return;
    }
    InetSocketAddress controller = controllers.get(nextController);
    nextController = (nextController + 1) % controllers.size();
    ConfigClientState s = state;
    state =
        new ConfigClientState(
            hostPort(controller),
            s.connected(),
            s.applied(),
            s.appliedVersion(),
            s.appliedGeneration(),
            s.lastError());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(controller.getHostString(), controller.getPort())
            .usePlaintext()
            // Callbacks only hand over to the client's thread, so they may run on the event loop.
            .directExecutor()
            .maxInboundMessageSize(MAX_SNAPSHOT_BYTES)
            // gRPC servers accept pings every 5 minutes by default (permitKeepAliveTime); a faster
            // client would be sent GOAWAY ENHANCE_YOUR_CALM.
            .keepAliveTime(5, TimeUnit.MINUTES)
            .keepAliveTimeout(20, TimeUnit.SECONDS)
            // The proxy's allocator, not gRPC's own pooled one: its first chunk alone added about
            // 3 MiB to the data plane's idle RSS.
            .withOption(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
            .build();
    lastChannel = channel;
    ControllerStream a =
        new ControllerStream(
            ++attemptIds, channel, this::dispatch, this::onSnapshot, this::onStreamEnd);
    attempt = a;
    log.debug("opening stream {} to controller {}", a.id(), state.controller());
    ConfigDiscoveryGrpc.newStub(channel).stream(a);
    String version = state.appliedVersion();
    a.send(ConfigRequest.newBuilder().setNode(node).setVersionInfo(version).build());
    watchTransport(a);
  }

  /**
   * Marks the stream connected once its channel is READY: the server answers nothing until it has a
   * snapshot to send, so the transport is the only early sign of a live stream.
   */
  private void watchTransport(ControllerStream a) {
    if (a != attempt || closed || a.connectedAtNanos != 0) {
      return;
    }
    ConnectivityState now = a.channel().getState(false);
    if (now == ConnectivityState.READY) {
      markConnected(a);
    } else if (now != ConnectivityState.SHUTDOWN) {
      a.channel().notifyWhenStateChanged(now, () -> dispatch(() -> watchTransport(a)));
    }
  }

  private void markConnected(ControllerStream a) {
    if (a.connectedAtNanos != 0) {
      return;
    }
    a.connectedAtNanos = System.nanoTime();
    lastOutageWarnNanos = 0;
    log.info("connected to controller {}", state.controller());
    setState(true, state.lastError());
  }

  private void onSnapshot(ControllerStream a, ConfigSnapshot snapshot) {
    if (a != attempt || closed) {
      return;
    }
    markConnected(a);
    if (!a.delivered) {
      a.delivered = true;
      backoff.reset();
    }
    handle(a, snapshot);
    a.requests().request(1);
  }

  private void handle(ControllerStream a, ConfigSnapshot snapshot) {
    String version = snapshot.getVersion();
    String nonce = snapshot.getNonce();
    ConfigClientState s = state;
    if (s.applied() && version.equals(s.appliedVersion())) {
      log.debug("version {} already applied; ACK", LogText.shortVersion(version));
      a.send(request(version, nonce));
      acks.increment();
      return;
    }
    long start = System.nanoTime();
    try {
      applier.apply(snapshot);
    } catch (SnapshotRejectedException e) {
      nack(a, snapshot, e.getMessage(), e.resources());
      return;
    } catch (RuntimeException e) {
      log.error("internal error applying version {}", LogText.shortVersion(version), e);
      nack(a, snapshot, "internal error applying snapshot: " + e, List.of());
      return;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    recordApplied(snapshot);
    log.debug(
        "applied version {} generation {} in {} ms; ACK",
        LogText.shortVersion(version),
        snapshot.getGeneration(),
        millis);
    snapshotFile.ifPresent(file -> save(file, snapshot));
    a.send(request(version, nonce));
    acks.increment();
  }

  private void nack(
      ControllerStream a, ConfigSnapshot snapshot, String message, List<ResourceError> resources) {
    String reason = message == null ? "rejected" : message;
    log.warn(
        "NACK version {} generation {}: {}{}",
        LogText.shortVersion(snapshot.getVersion()),
        snapshot.getGeneration(),
        reason,
        resources.isEmpty() ? "" : " " + LogText.describe(resources));
    setState(
        state.connected(), "NACK " + LogText.shortVersion(snapshot.getVersion()) + ": " + reason);
    ErrorDetail detail =
        ErrorDetail.newBuilder().setMessage(reason).addAllResources(resources).build();
    a.send(
        request(state.appliedVersion(), snapshot.getNonce()).toBuilder()
            .setErrorDetail(detail)
            .build());
    nacks.increment();
  }

  private void save(SnapshotFile file, ConfigSnapshot snapshot) {
    try {
      file.write(snapshot);
    } catch (IOException | RuntimeException e) {
      // The snapshot is applied and serving; only a restart without the controller loses it.
      log.warn("cannot save snapshot to {}: {}", file.path(), e.toString());
    }
  }

  private void onStreamEnd(ControllerStream a, Status status) {
    if (a != attempt) {
      return;
    }
    attempt = null;
    a.channel().shutdownNow();
    if (closed) {
      return;
    }
    String reason = LogText.describe(status);
    long now = System.nanoTime();
    if (a.connectedAtNanos != 0 && now - a.connectedAtNanos >= HEALTHY_AFTER_NANOS) {
      backoff.reset();
    }
    if (state.connected()) {
      disconnectedSinceNanos = now;
      log.warn(
          "lost controller {}: {}; still serving version {}, reconnecting",
          state.controller(),
          reason,
          LogText.shortVersion(state.appliedVersion()));
    } else {
      log.debug("controller {} unavailable: {}", state.controller(), reason);
    }
    setState(false, "controller stream: " + reason);
    long down = now - disconnectedSinceNanos;
    if (down >= WARN_AFTER_NANOS
        && (lastOutageWarnNanos == 0 || now - lastOutageWarnNanos >= WARN_EVERY_NANOS)) {
      lastOutageWarnNanos = now;
      log.warn(
          "no controller at {} for {} s ({} attempts); still serving version {}; last error: {}",
          state.controller(),
          TimeUnit.NANOSECONDS.toSeconds(down),
          backoff.attempts(),
          state.applied() ? LogText.shortVersion(state.appliedVersion()) : "none",
          reason);
    }
    Duration delay = backoff.next();
    log.debug("reconnecting to {} in {} ms", state.controller(), delay.toMillis());
    pendingReconnect = executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void recordApplied(ConfigSnapshot snapshot) {
    ConfigClientState s = state;
    state =
        new ConfigClientState(
            s.controller(),
            s.connected(),
            true,
            snapshot.getVersion(),
            snapshot.getGeneration(),
            s.lastError());
  }

  private void setState(boolean connected, String lastError) {
    ConfigClientState s = state;
    state =
        new ConfigClientState(
            s.controller(),
            connected,
            s.applied(),
            s.appliedVersion(),
            s.appliedGeneration(),
            lastError);
  }

  // ------------------------------------------------------------------ helpers, any thread

  private void dispatch(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: late gRPC callbacks have nothing left to do.
      log.debug("config client closed; dropping a callback");
    }
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static ConfigRequest request(String version, String nonce) {
    return ConfigRequest.newBuilder().setVersionInfo(version).setResponseNonce(nonce).build();
  }
}
