package dev.weir.controller.push;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.leader.Leadership;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller side of {@code weir.config.v1.ConfigDiscovery/Stream}: sends each connected
 * data-plane node the current snapshot of its target, and records each node's ACKs and NACKs in the
 * {@link NodeRegistry}. A node's target is the Gateway it names in {@code Node.gateway}
 * ("namespace/name"), or the shared snapshot when it names none ({@link BuildResult#snapshotFor}).
 * A Gateway that the current build left out because no pod was dedicated to it ({@link
 * BuildResult#compiled}) gets nothing until a build that includes it is published.
 *
 * <p>Protocol: the first request of a stream names the node and the version it already holds; if
 * that is the current version of its target nothing is sent, otherwise the current snapshot is. A
 * publish sends a stream its target's snapshot only when that version differs from the last one the
 * stream was sent, so a rebuild that leaves a target unchanged pushes nothing to its nodes. Every
 * send carries a fresh nonce. A later request echoing a nonce is an ACK, or a NACK when it has an
 * {@code error_detail}; a NACK is recorded and logged for that node only.
 *
 * <p>Leadership: only the leader serves data planes, since only it writes the status that their
 * ACKs and NACKs become. A standby refuses each stream with {@code UNAVAILABLE}, naming the leader,
 * and a replica that stops leading ends every open stream the same way; the data plane keeps
 * serving what it has and reconnects, to the next controller address.
 *
 * <p>Flow control: a stream sends only while gRPC reports it ready. Snapshots are states of the
 * world, so a stream that is not ready keeps only the newest pending snapshot and sends it from its
 * on-ready callback; nothing queues without bound and no thread waits.
 *
 * <p>Threading: {@link #publish} may be called from any thread; gRPC callbacks run on gRPC's
 * executor, never on the Netty event loop. Each stream's sends are serialized by its own monitor.
 */
public final class ConfigDiscoveryService extends ConfigDiscoveryGrpc.ConfigDiscoveryImplBase {

  private static final Logger log = LoggerFactory.getLogger(ConfigDiscoveryService.class);

  /** Sends remembered per stream for matching ACKs; a node answers the newest few at most. */
  private static final int REMEMBERED_SENDS = 16;

  private final NodeRegistry registry;
  private final Leadership leadership;
  private final AtomicReference<Targets> current = new AtomicReference<>();
  private final Set<NodeStream> streams = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, NodeStream> activeByNode = new ConcurrentHashMap<>();
  // Nonces are unique per send within this process; the random prefix tells processes apart.
  private final String noncePrefix =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final AtomicLong nonceCounter = new AtomicLong();

  /** A snapshot and when it was published, for propagation times. */
  private record Published(ConfigSnapshot snapshot, long publishedAtNanos) {
    String version() {
      return snapshot.getVersion();
    }
  }

  /**
   * The published build: its result, when it was published, and each target's {@link Published} (a
   * target whose version did not change keeps the publish time of its version).
   */
  private record Targets(BuildResult result, long publishedAtNanos, Map<String, Published> known) {
    /** The target's snapshot, or null when this build left the Gateway out. */
    Published forTarget(String gateway) {
      Published p = known.get(gateway);
      if (p != null) {
        return p;
      }
      if (!result.compiled(gateway)) {
        return null;
      }
      // A Gateway that does not exist (or is not Weir's): an empty snapshot, stamped with the
      // build's generation.
      ConfigSnapshot empty =
          result.snapshotFor(gateway).toBuilder()
              .setGeneration(result.snapshot().getGeneration())
              .build();
      return new Published(empty, publishedAtNanos);
    }
  }

  /** What one send carried, for interpreting the ACK or NACK that echoes its nonce. */
  private record Sent(String version, long generation, long publishedAtNanos) {}

  /**
   * @param registry where node state is recorded
   * @param leadership whether this replica may serve; this service registers itself as its listener
   */
  public ConfigDiscoveryService(NodeRegistry registry, Leadership leadership) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.leadership = Objects.requireNonNull(leadership, "leadership");
    leadership.addListener(
        leading -> {
          if (!leading) {
            streams.forEach(s -> s.end(notLeader()));
          }
        });
  }

  private Status notLeader() {
    String leader = leadership.leader();
    return Status.UNAVAILABLE.withDescription(
        "controller "
            + leadership.identity()
            + " is not the leader"
            + (leader.isEmpty() ? "" : "; the leader is " + leader));
  }

  /** Makes {@code snapshot} the shared snapshot, with no per-Gateway snapshots, and pushes it. */
  public void publish(ConfigSnapshot snapshot) {
    publish(new BuildResult(Objects.requireNonNull(snapshot, "snapshot"), List.of()));
  }

  /**
   * Makes {@code result} current and sends every connected stream its target's snapshot, unless the
   * stream was already sent that version.
   *
   * @param result the build, with version and generation set on every snapshot
   */
  public void publish(BuildResult result) {
    Objects.requireNonNull(result, "result");
    long now = System.nanoTime();
    Targets previous = current.get();
    Map<String, Published> known = new HashMap<>();
    known.put("", published(previous, "", result.snapshot(), now));
    result.gatewaySnapshots().forEach((k, v) -> known.put(k, published(previous, k, v, now)));
    Targets t = new Targets(result, now, Map.copyOf(known));
    current.set(t);
    for (NodeStream stream : streams) {
      Published p = t.forTarget(stream.gateway);
      if (p != null) {
        stream.offer(p);
      }
    }
  }

  private static Published published(
      Targets previous, String target, ConfigSnapshot snapshot, long now) {
    if (previous != null) {
      Published old = previous.known().get(target);
      if (old != null && old.version().equals(snapshot.getVersion())) {
        // Same version: keep its first publish time, for honest propagation times.
        return new Published(snapshot, old.publishedAtNanos());
      }
    }
    return new Published(snapshot, now);
  }

  /** The shared snapshot last published, if any. */
  public Optional<ConfigSnapshot> current() {
    return current("");
  }

  /**
   * The snapshot last published for pods that serve {@code gateway} ("namespace/name", or "" for
   * shared pods), if anything was published.
   */
  public Optional<ConfigSnapshot> current(String gateway) {
    return Optional.ofNullable(current.get()).map(t -> t.forTarget(gateway).snapshot());
  }

  /** The number of open streams that have identified their node. */
  public int connectedStreams() {
    return streams.size();
  }

  @Override
  public StreamObserver<ConfigRequest> stream(StreamObserver<ConfigSnapshot> responses) {
    ServerCallStreamObserver<ConfigSnapshot> call =
        (ServerCallStreamObserver<ConfigSnapshot>) responses;
    NodeStream stream = new NodeStream(call);
    call.setOnReadyHandler(stream::drain);
    call.setOnCancelHandler(stream::closed);
    return stream;
  }

  private String nextNonce() {
    return noncePrefix + "-" + Long.toHexString(nonceCounter.incrementAndGet());
  }

  /** One open stream. Sends are serialized by its monitor; requests arrive serialized by gRPC. */
  private final class NodeStream implements StreamObserver<ConfigRequest> {
    private final ServerCallStreamObserver<ConfigSnapshot> call;
    private volatile String nodeId;
    private volatile String gateway = "";
    // Guarded by this.
    private Published pending;
    private String lastOffered = "";
    private boolean closed;
    private final Map<String, Sent> sent =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > REMEMBERED_SENDS;
          }
        };

    NodeStream(ServerCallStreamObserver<ConfigSnapshot> call) {
      this.call = call;
    }

    @Override
    public void onNext(ConfigRequest request) {
      if (nodeId == null) {
        first(request);
      } else if (!request.getResponseNonce().isEmpty()) {
        answer(request);
      }
    }

    private void first(ConfigRequest request) {
      String id = request.getNode().getId();
      if (id.isEmpty()) {
        call.onError(
            Status.INVALID_ARGUMENT
                .withDescription("the first request must name its node")
                .asRuntimeException());
        return;
      }
      if (!leadership.isLeader()) {
        end(notLeader());
        log.debug("node {} refused: not the leader", id);
        return;
      }
      nodeId = id;
      gateway = request.getNode().getGateway();
      registry.connected(request.getNode());
      NodeStream previous = activeByNode.put(id, this);
      if (previous != null) {
        log.info("node {} opened a new stream; the old one is superseded", id);
      }
      // Join the broadcast set before reading current: a publish in between is then offered by
      // publish() itself, so none is missed.
      streams.add(this);
      if (!leadership.isLeader()) {
        end(notLeader()); // lost leadership meanwhile, perhaps before this stream was listed
        return;
      }
      Targets t = current.get();
      String have = request.getVersionInfo();
      log.info(
          "node {} connected (pod {}/{}, {}, gateway {}, has version {})",
          id,
          request.getNode().getNamespace(),
          request.getNode().getPod(),
          request.getNode().getRole(),
          gateway.isEmpty() ? "(shared)" : gateway,
          have.isEmpty() ? "none" : abbreviate(have));
      Published p = t == null ? null : t.forTarget(gateway);
      if (p == null) {
        return; // a later publish offers it
      }
      if (p.version().equals(have)) {
        synchronized (this) {
          lastOffered = have;
        }
        registry.acked(id, have, p.snapshot().getGeneration(), Optional.empty());
      } else {
        offer(p);
      }
    }

    private void answer(ConfigRequest request) {
      String nonce = request.getResponseNonce();
      Sent s;
      synchronized (this) {
        s = sent.get(nonce);
      }
      if (request.hasErrorDetail()) {
        String rejected = s != null ? s.version() : "";
        registry.nacked(nodeId, rejected, nonce, request.getErrorDetail());
        log.warn(
            "node {} rejected version {}: {}",
            nodeId,
            abbreviate(rejected),
            request.getErrorDetail().getMessage());
      } else {
        Optional<Duration> propagation =
            s == null
                ? Optional.empty()
                : Optional.of(Duration.ofNanos(System.nanoTime() - s.publishedAtNanos()));
        registry.acked(
            nodeId, request.getVersionInfo(), s == null ? 0 : s.generation(), propagation);
        log.debug(
            "node {} acked version {} in {}",
            nodeId,
            abbreviate(request.getVersionInfo()),
            propagation.map(Duration::toString).orElse("?"));
      }
    }

    /**
     * Makes {@code p} this stream's next send, replacing an older one not yet sent, unless this
     * stream was already given {@code p}'s version.
     */
    synchronized void offer(Published p) {
      if (p.version().equals(lastOffered)) {
        return;
      }
      lastOffered = p.version();
      pending = p;
      drain();
    }

    /** Sends the pending snapshot if the transport can take it now. */
    synchronized void drain() {
      if (closed || pending == null || call.isCancelled() || !call.isReady()) {
        return;
      }
      Published p = pending;
      pending = null;
      String nonce = nextNonce();
      sent.put(nonce, new Sent(p.version(), p.snapshot().getGeneration(), p.publishedAtNanos()));
      try {
        call.onNext(p.snapshot().toBuilder().setNonce(nonce).build());
      } catch (RuntimeException e) {
        // The call was cancelled between the check and the send; the cancel handler cleans up.
        log.debug("send to node {} failed: {}", nodeId, e.toString());
      }
    }

    @Override
    public void onError(Throwable t) {
      log.debug("stream of node {} failed: {}", nodeId, t.toString());
      closed();
    }

    @Override
    public void onCompleted() {
      closed();
      try {
        call.onCompleted();
      } catch (RuntimeException e) {
        log.debug("completing the stream of node {}: {}", nodeId, e.toString());
      }
    }

    /** Ends the stream from this side with {@code status}; nothing more is sent. */
    void end(Status status) {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          call.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
          log.debug("ending the stream of node {}: {}", nodeId, e.toString());
        }
      }
      closed();
    }

    void closed() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        pending = null;
      }
      streams.remove(this);
      String id = nodeId;
      if (id != null && activeByNode.remove(id, this)) {
        registry.disconnected(id);
        log.info("node {} disconnected", id);
      }
    }
  }

  private static String abbreviate(String version) {
    return version.length() > 12 ? version.substring(0, 12) : version;
  }
}
