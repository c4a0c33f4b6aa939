package dev.weir.controller.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.PolicyStatus;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.loop.BuildListener;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.push.NodeState;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Gateway API status: GatewayClass, Gateway (conditions, listeners, addresses) and
 * HTTPRoute/GRPCRoute {@code status.parents}, from the last build's {@link GatewayApiStatus} with
 * {@code Programmed} replaced by what the data-plane pods ACKed or NACKed ({@link
 * DataPlaneStatus}). Runs after every build and after every node change.
 *
 * <p>Rules: an object is written only when its status differs from what it holds (conditions keep
 * their {@code lastTransitionTime} while their status is unchanged); writes use {@code
 * updateStatus} on the live object (a JSON merge patch would append to lists on fabric8's mock
 * server) and are retried once, re-reading, on a 409 conflict; Weir's route parent entries for
 * parents no longer wanted are removed, other controllers' entries are kept.
 *
 * <p>Only the leader writes ({@link Leadership}): a standby writes nothing, and a replica that
 * stops leading stops before its next API call. One that becomes the leader makes a pass over the
 * latest build, so every object is recomputed and written where it differs: at once if a data plane
 * is connected to it, else when the first one connects or after {@link #RECONNECT_GRACE}. The data
 * planes were connected to the old leader and reconnect within seconds; a pass before that would
 * write {@code Programmed=False/NoResources} on Gateways that are in fact being served.
 *
 * <p>Threading: {@link #onBuild}, {@link #nodeChanged} and {@link #leadershipChanged} only record
 * and queue (they run on the loop, gRPC and elector threads); all API calls run on this writer's
 * single thread, and a burst of triggers coalesces into one pass over the latest state. Lifecycle:
 * {@link #close()} once.
 */
public final class GatewayApiStatusWriter
    implements BuildListener, NodeRegistry.Listener, Leadership.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GatewayApiStatusWriter.class);

  /** How long a new leader waits for a first data plane before it writes without any. */
  static final Duration RECONNECT_GRACE = Duration.ofSeconds(5);

  /**
   * The kinds whose status subresource this writer replaces ({@code updateStatus}, an HTTP PUT on
   * {@code .../status}) after reading the live object; listed for RBAC ({@link
   * dev.weir.controller.ApiPermission#required}).
   */
  public static final List<Class<? extends HasMetadata>> STATUS_TYPES =
      List.of(
          GatewayClass.class,
          Gateway.class,
          HTTPRoute.class,
          GRPCRoute.class,
          BackendTLSPolicy.class,
          BackendPolicy.class,
          TrafficPolicy.class);

  private final KubernetesClient client;
  private final NodeRegistry nodes;
  private final PublishTarget target;
  private final String controllerName;
  private final WarningEvents events;
  private final RouteParents routeParents;
  private final Leadership leadership;
  private final StatusWrites writes;
  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService executor = WriterThreads.start("weir-gateway-status");
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile Build latest;
  private volatile long graceEndsNanos = System.nanoTime();
  // Accessed only from the writer thread.
  private Set<String> emitted = Set.of();

  /**
   * @param client the API client (owned by the caller)
   * @param nodes the data-plane nodes; this writer registers itself as their listener
   * @param target where Gateway addresses come from (None: the translation's addresses)
   * @param controllerName Weir's GatewayClass controllerName, written in route parent entries
   * @param component the reporting component named in Events
   * @param leadership whether this replica may write; this writer registers itself as its listener
   */
  public GatewayApiStatusWriter(
      KubernetesClient client,
      NodeRegistry nodes,
      PublishTarget target,
      String controllerName,
      String component,
      Leadership leadership) {
    this(client, nodes, target, controllerName, component, leadership, StatusWrites.NONE);
  }

  /**
   * As above, and {@code writes} is told how each status write ended.
   *
   * @param writes counts status writes
   */
  public GatewayApiStatusWriter(
      KubernetesClient client,
      NodeRegistry nodes,
      PublishTarget target,
      String controllerName,
      String component,
      Leadership leadership,
      StatusWrites writes) {
    this.writes = Objects.requireNonNull(writes, "writes");
    this.client = Objects.requireNonNull(client, "client");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.target = Objects.requireNonNull(target, "target");
    this.controllerName = Objects.requireNonNull(controllerName, "controllerName");
    this.events = new WarningEvents(client, component);
    this.routeParents = new RouteParents(controllerName);
    this.leadership = Objects.requireNonNull(leadership, "leadership");
    nodes.addListener(this);
    leadership.addListener(this);
  }

  @Override
  public void onBuild(Build build) {
    latest = build;
    schedule();
  }

  @Override
  public void nodeChanged(NodeState node) {
    if (latest != null) {
      schedule();
    }
  }

  @Override
  public void leadershipChanged(boolean leading) {
    if (!leading) {
      return;
    }
    graceEndsNanos = System.nanoTime() + RECONNECT_GRACE.toNanos();
    if (latest != null) {
      schedule();
    }
    CompletableFuture.delayedExecutor(RECONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (latest != null) {
                schedule();
              }
            });
  }

  private void schedule() {
    if (!queued.compareAndSet(false, true)) {
      return; // a pass is already queued and will read the latest state
    }
    try {
      executor.execute(
          () -> {
            queued.set(false);
            try {
              write(latest);
            } catch (RuntimeException e) {
              log.error("writing Gateway API status failed", e);
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("gateway status writer closed");
    }
  }

  private void write(Build build) {
    if (!leadership.isLeader()) {
      return;
    }
    if (System.nanoTime() - graceEndsNanos < 0
        && nodes.nodes().stream().noneMatch(NodeState::connected)) {
      log.debug("new leader: waiting for a data plane before writing Gateway API status");
      return;
    }
    DataPlaneStatus.Result result = DataPlaneStatus.apply(build, nodes.nodes());
    GatewayApiStatus status = result.status();
    Instant now = Instant.now();
    for (GatewayApiStatus.GatewayClassStatus c : status.gatewayClasses()) {
      update(
          GatewayClass.class,
          c.ref(),
          live -> {
            GatewayClassStatus old = live.getStatus();
            live.setStatus(
                StatusModels.gatewayClass(c, old == null ? null : old.getConditions(), now));
            return live;
          });
    }
    List<String> addresses = StatusModels.addresses(target, build.state());
    for (GatewayApiStatus.GatewayStatus g : status.gateways()) {
      update(
          Gateway.class,
          g.ref(),
          live -> {
            GatewayAddresses.Assignment assigned =
                GatewayAddresses.assign(
                    live.getSpec() == null ? null : live.getSpec().getAddresses(),
                    addresses.isEmpty() ? g.addresses() : addresses);
            live.setStatus(
                StatusModels.gateway(
                    GatewayAddresses.withProgrammed(g, assigned),
                    assigned.addresses(),
                    live.getStatus(),
                    now));
            return live;
          });
    }
    ClusterState state = build.state();
    for (HTTPRoute r : state.gatewayApi().httpRoutes()) {
      ObjectRef ref = ObjectStore.refOf(r);
      update(
          HTTPRoute.class,
          ref,
          live -> {
            HTTPRouteStatus s = live.getStatus() == null ? new HTTPRouteStatus() : live.getStatus();
            s.setParents(routeParents.merge(live, status, s.getParents(), now));
            live.setStatus(s);
            return live;
          });
    }
    for (GRPCRoute r : state.gatewayApi().grpcRoutes()) {
      ObjectRef ref = ObjectStore.refOf(r);
      update(
          GRPCRoute.class,
          ref,
          live -> {
            GRPCRouteStatus s = live.getStatus() == null ? new GRPCRouteStatus() : live.getStatus();
            s.setParents(routeParents.merge(live, status, s.getParents(), now));
            live.setStatus(s);
            return live;
          });
    }
    writePolicies(status, state, now);
    emit(result.warnings(), state);
  }

  /**
   * BackendTLSPolicy, BackendPolicy and TrafficPolicy status, per ancestor Gateway; a policy Weir
   * no longer uses loses its entries.
   */
  private void writePolicies(GatewayApiStatus status, ClusterState state, Instant now) {
    Map<ObjectRef, GatewayApiStatus.PolicyStatus> wanted = new HashMap<>();
    status.policies().forEach(p -> wanted.put(p.ref(), p));
    PolicyAncestors ancestors = new PolicyAncestors(controllerName);
    for (BackendTLSPolicy p : state.gatewayApi().backendTlsPolicies()) {
      ObjectRef ref = ObjectStore.refOf(p);
      update(
          BackendTLSPolicy.class,
          ref,
          live -> {
            live.setStatus(ancestors.merge(wanted.get(ref), live.getStatus(), now));
            return live;
          });
    }
    for (BackendPolicy p : state.policies().backendPolicies()) {
      ObjectRef ref = ObjectStore.refOf(p);
      update(
          BackendPolicy.class,
          ref,
          live -> {
            live.setStatus(weirStatus(ancestors, wanted.get(ref), live.getStatus(), now));
            return live;
          });
    }
    for (TrafficPolicy p : state.policies().trafficPolicies()) {
      ObjectRef ref = ObjectStore.refOf(p);
      update(
          TrafficPolicy.class,
          ref,
          live -> {
            live.setStatus(weirStatus(ancestors, wanted.get(ref), live.getStatus(), now));
            return live;
          });
    }
  }

  /** A Weir policy's status: the same GEP-713 ancestors, in Weir's own status class. */
  private static PolicyStatus weirStatus(
      PolicyAncestors ancestors,
      GatewayApiStatus.PolicyStatus want,
      PolicyStatus live,
      Instant now) {
    io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus stored =
        new io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus();
    stored.setAncestors(live == null ? List.of() : live.ancestors);
    PolicyStatus out = new PolicyStatus();
    out.ancestors = ancestors.merge(want, stored, now).getAncestors();
    return out;
  }

  /**
   * Reads the live object, applies {@code change} to a copy, and writes its status if it differs;
   * retries once on a conflict.
   */
  private <T extends HasMetadata> void update(
      Class<T> type, ObjectRef ref, UnaryOperator<T> change) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        T live = get(type, ref);
        if (live == null) {
          return; // deleted; its informer event brings a new build
        }
        Object before = json.valueToTree(statusOf(live));
        T copy = client.getKubernetesSerialization().clone(live);
        T changed = change.apply(copy);
        if (before.equals(json.valueToTree(statusOf(changed))) || !leadership.isLeader()) {
          return;
        }
        client.resource(changed).updateStatus();
        writes.written(ref.kind(), StatusWrites.Result.OK);
        log.info("{}: status updated", ref);
        return;
      } catch (KubernetesClientException e) {
        writes.written(
            ref.kind(),
            e.getCode() == 409 ? StatusWrites.Result.CONFLICT : StatusWrites.Result.ERROR);
        if (e.getCode() == 409 && attempt == 0) {
          log.debug("{}: conflict writing status; re-reading", ref);
          continue;
        }
        log.warn("{}: cannot write status: {}", ref, e.getMessage());
        return;
      }
    }
  }

  private <T extends HasMetadata> T get(Class<T> type, ObjectRef ref) {
    return ref.namespace().isEmpty()
        ? client.resources(type).withName(ref.name()).get()
        : client.resources(type).inNamespace(ref.namespace()).withName(ref.name()).get();
  }

  private static Object statusOf(HasMetadata o) {
    return switch (o) {
      case GatewayClass c -> c.getStatus();
      case Gateway g -> g.getStatus();
      case HTTPRoute r -> r.getStatus();
      case GRPCRoute r -> r.getStatus();
      case BackendTLSPolicy p -> p.getStatus();
      case BackendPolicy p -> p.getStatus();
      case TrafficPolicy p -> p.getStatus();
      default -> null;
    };
  }

  /** Creates a Warning Event per new warning; a warning still present is not emitted again. */
  private void emit(List<DataPlaneStatus.Warning> warnings, ClusterState state) {
    Set<String> next = new HashSet<>();
    for (DataPlaneStatus.Warning w : warnings) {
      String key = w.object() + "|" + w.key();
      next.add(key);
      if (emitted.contains(key)) {
        continue;
      }
      if (leadership.isLeader()
          && events.create(
              w.object(), "gateway.networking.k8s.io/v1", null, w.reason(), w.message())) {
        log.warn("{}: {}", w.object(), w.message());
      } else {
        next.remove(key);
      }
    }
    emitted = next;
  }

  /** The controllerName written in route parent entries. */
  public String controllerName() {
    return controllerName;
  }

  /** Stops the writer; writes already queued are abandoned after five seconds. */
  @Override
  public void close() {
    WriterThreads.stop(executor);
  }
}
