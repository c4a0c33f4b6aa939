package dev.weir.controller.status;

import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.loop.BuildListener;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.IngressOwnership;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the controller knows back to owned Ingresses: {@code status.loadBalancer.ingress}
 * from the {@link PublishTarget}, and each {@link Problem} on an Ingress as a Warning {@code Event}
 * ({@link ProblemEvents}). Status is written only when it differs from what the Ingress already
 * holds, through {@code editStatus} (the status subresource; a JSON merge patch would append to the
 * list on fabric8's mock server).
 *
 * <p>Only the leader writes ({@link Leadership}): a standby writes nothing, and a replica that
 * stops leading stops before its next API call. One that becomes the leader writes at once from the
 * latest build, comparing with what each Ingress holds.
 *
 * <p>Threading: {@link #onBuild} and {@link #leadershipChanged} are called on the loop and elector
 * threads and only queue work; API calls run on this writer's single thread, in order. Lifecycle:
 * {@link #close()} once.
 */
public final class IngressStatusWriter
    implements BuildListener, Leadership.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);
  // Anything with a ':' is treated as IPv6; hostnames never contain one (RFC 1123 §2.1).
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private final KubernetesClient client;
  private final IngressOwnership ownership;
  private final PublishTarget target;
  private final ProblemEvents events;
  private final Leadership leadership;
  private final StatusWrites writes;
  private final ExecutorService executor = WriterThreads.start("weir-status");
  private volatile Build latest;

  /**
   * @param client the API client (owned by the caller)
   * @param ownership decides which Ingresses are ours
   * @param target where the published address comes from
   * @param component the reporting component named in Events
   * @param leadership whether this replica may write; this writer registers itself as its listener
   */
  public IngressStatusWriter(
      KubernetesClient client,
      IngressOwnership ownership,
      PublishTarget target,
      String component,
      Leadership leadership) {
    this(client, ownership, target, component, leadership, StatusWrites.NONE);
  }

  /**
   * @param client the API client (owned by the caller)
   * @param ownership decides which Ingresses are ours
   * @param target where the published address comes from
   * @param component the reporting component named in Events
   * @param leadership whether this replica may write; this writer registers itself as its listener
   * @param writes told how each status write ended
   */
  public IngressStatusWriter(
      KubernetesClient client,
      IngressOwnership ownership,
      PublishTarget target,
      String component,
      Leadership leadership,
      StatusWrites writes) {
    this.writes = Objects.requireNonNull(writes, "writes");
    this.client = Objects.requireNonNull(client, "client");
    this.ownership = Objects.requireNonNull(ownership, "ownership");
    this.target = Objects.requireNonNull(target, "target");
    this.events = new ProblemEvents(client, component);
    this.leadership = Objects.requireNonNull(leadership, "leadership");
    leadership.addListener(this);
  }

  @Override
  public void onBuild(Build build) {
    latest = build;
    queue(build);
  }

  @Override
  public void leadershipChanged(boolean leading) {
    Build build = latest;
    if (leading && build != null) {
      queue(build);
    }
  }

  private void queue(Build build) {
    try {
      executor.execute(() -> write(build.state(), build.problems()));
    } catch (RejectedExecutionException e) {
      log.debug("status writer closed; dropping build {}", build.generation());
    }
  }

  private void write(ClusterState state, List<Problem> problems) {
    if (!leadership.isLeader()) {
      return;
    }
    List<Ingress> owned = ownership.owned(state);
    if (!(target instanceof PublishTarget.None)) {
      List<IngressLoadBalancerIngress> desired = desired(state);
      for (Ingress ingress : owned) {
        writeStatus(ingress, desired);
      }
    }
    if (!leadership.isLeader()) {
      return;
    }
    Set<String> ownedKeys = new HashSet<>();
    owned.forEach(
        i -> ownedKeys.add(i.getMetadata().getNamespace() + "/" + i.getMetadata().getName()));
    events.emit(
        problems.stream()
            .filter(p -> p.object().kind().equals("Ingress"))
            .filter(p -> ownedKeys.contains(p.object().namespace() + "/" + p.object().name()))
            .toList(),
        state);
  }

  /** The addresses every owned Ingress should show, in a stable order. */
  List<IngressLoadBalancerIngress> desired(ClusterState state) {
    return switch (target) {
      case PublishTarget.None n -> List.of();
      case PublishTarget.Addresses a ->
          a.addresses().stream().map(IngressStatusWriter::entry).toList();
      case PublishTarget.FromService s -> fromService(state, s);
    };
  }

  static List<IngressLoadBalancerIngress> fromService(
      ClusterState state, PublishTarget.FromService target) {
    Service svc =
        state.services().stream()
            .filter(x -> x.getMetadata().getNamespace().equals(target.service().namespace()))
            .filter(x -> x.getMetadata().getName().equals(target.service().name()))
            .findFirst()
            .orElse(null);
    if (svc == null) {
      log.debug("publish service {} not found", target.service());
      return List.of();
    }
    if (svc.getStatus() != null
        && svc.getStatus().getLoadBalancer() != null
        && svc.getStatus().getLoadBalancer().getIngress() != null
        && !svc.getStatus().getLoadBalancer().getIngress().isEmpty()) {
      return svc.getStatus().getLoadBalancer().getIngress().stream()
          .map(IngressStatusWriter::entry)
          .toList();
    }
    String clusterIp = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
    return clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")
        ? List.of()
        : List.of(entry(clusterIp));
  }

  private static IngressLoadBalancerIngress entry(LoadBalancerIngress lb) {
    return new IngressLoadBalancerIngressBuilder()
        .withIp(lb.getIp())
        .withHostname(lb.getHostname())
        .build();
  }

  static IngressLoadBalancerIngress entry(String address) {
    boolean ip = IPV4.matcher(address).matches() || address.contains(":");
    return ip
        ? new IngressLoadBalancerIngressBuilder().withIp(address).build()
        : new IngressLoadBalancerIngressBuilder().withHostname(address).build();
  }

  private void writeStatus(Ingress ingress, List<IngressLoadBalancerIngress> desired) {
    if (desired.equals(current(ingress)) || !leadership.isLeader()) {
      return;
    }
    String ns = ingress.getMetadata().getNamespace();
    String name = ingress.getMetadata().getName();
    try {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              live ->
                  new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(live)
                      .withStatus(
                          new IngressStatusBuilder()
                              .withNewLoadBalancer()
                              .withIngress(desired)
                              .endLoadBalancer()
                              .build())
                      .build());
      writes.written("Ingress", StatusWrites.Result.OK);
      log.info("Ingress {}/{}: status.loadBalancer set to {}", ns, name, describe(desired));
    } catch (KubernetesClientException e) {
      writes.written(
          "Ingress", e.getCode() == 409 ? StatusWrites.Result.CONFLICT : StatusWrites.Result.ERROR);
      // The Ingress may be gone or changed; the informer event that follows brings a new build.
      log.warn("Ingress {}/{}: cannot write status: {}", ns, name, e.getMessage());
    }
  }

  private static List<IngressLoadBalancerIngress> current(Ingress ingress) {
    if (ingress.getStatus() == null
        || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return ingress.getStatus().getLoadBalancer().getIngress();
  }

  private static String describe(List<IngressLoadBalancerIngress> entries) {
    return entries.stream()
        .map(e -> e.getIp() != null ? e.getIp() : e.getHostname())
        .toList()
        .toString();
  }

  /** Stops the writer; writes already queued are abandoned after five seconds. */
  @Override
  public void close() {
    WriterThreads.stop(executor);
  }
}
