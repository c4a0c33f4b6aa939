package dev.weir.controller.status;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.GatewayStatus;
import dev.weir.controller.model.GatewayApiStatus.ListenerStatus;
import dev.weir.controller.model.GatewayApiStatus.RouteParentStatus;
import dev.weir.controller.model.GatewayApiStatus.RouteStatus;
import dev.weir.controller.push.NodeState;
import dev.weir.controller.translate.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces the translation's {@code Programmed} conditions with what the data plane really did. The
 * pods of Gateway G are the connected nodes whose {@code gateway} is G plus the connected shared
 * nodes. G (and each of its listeners) is Programmed only when the translation allows it, G has a
 * pod, and every pod ACKed the current version of its target; otherwise the reason is {@code
 * NoResources}, {@code Invalid} (a pod NACKed the current version) or {@code Pending}. Routes named
 * by a NACK get {@code Programmed=False/Rejected} on their parents. Pure and stateless.
 */
final class DataPlaneStatus {

  static final String PROGRAMMED = "Programmed";

  private DataPlaneStatus() {}

  /**
   * A warning for an Event: the object, a reason and a message.
   *
   * @param object the Gateway or route
   * @param key what makes the warning distinct (pod and NACK nonce), so it is emitted once
   */
  record Warning(ObjectRef object, String reason, String message, String key) {}

  /** The status with data-plane truth applied, and the warnings to emit as Events. */
  record Result(GatewayApiStatus status, List<Warning> warnings) {}

  /** Applies the state of {@code nodes} for {@code build} to {@code build.gatewayStatus()}. */
  static Result apply(Build build, List<NodeState> nodes) {
    GatewayApiStatus in = build.gatewayStatus();
    List<Warning> warnings = new ArrayList<>();
    List<GatewayStatus> gateways = new ArrayList<>();
    for (GatewayStatus g : in.gateways()) {
      Condition programmed = programmed(build, nodes, g.ref(), warnings);
      List<ListenerStatus> listeners =
          g.listeners().stream()
              .map(
                  l ->
                      new ListenerStatus(
                          l.name(),
                          l.attachedRoutes(),
                          l.supportedKinds(),
                          override(l.conditions(), programmed)))
              .toList();
      gateways.add(
          new GatewayStatus(
              g.ref(),
              g.observedGeneration(),
              override(g.conditions(), programmed),
              listeners,
              g.addresses()));
    }
    List<RouteStatus> routes = rejectRoutes(build, nodes, in.routes(), warnings);
    return new Result(
        new GatewayApiStatus(in.gatewayClasses(), gateways, routes, in.policies()), warnings);
  }

  /** What the data plane says about Gateway {@code ref}. */
  private static Condition programmed(
      Build build, List<NodeState> nodes, ObjectRef ref, List<Warning> warnings) {
    String key = ref.namespace() + "/" + ref.name();
    List<NodeState> pods =
        nodes.stream()
            .filter(NodeState::connected)
            .filter(n -> n.gateway().isEmpty() || n.gateway().equals(key))
            .toList();
    if (pods.isEmpty()) {
      return new Condition(
          PROGRAMMED, false, "NoResources", "no data-plane pod serves this Gateway");
    }
    for (NodeState n : pods) {
      String version = build.snapshotFor(n.gateway()).getVersion();
      if (rejects(n, version)) {
        String message =
            "pod "
                + pod(n)
                + " rejected version "
                + abbreviate(version)
                + ": "
                + n.lastNack().message();
        warnings.add(new Warning(ref, "Rejected", message, pod(n) + "/" + n.lastNack().nonce()));
        return new Condition(PROGRAMMED, false, "Invalid", message);
      }
    }
    List<NodeState> pending =
        pods.stream()
            .filter(n -> !n.lastAckedVersion().equals(build.snapshotFor(n.gateway()).getVersion()))
            .toList();
    if (!pending.isEmpty()) {
      String version = build.snapshotFor(pending.get(0).gateway()).getVersion();
      return new Condition(
          PROGRAMMED,
          false,
          "Pending",
          "waiting for "
              + pending.size()
              + " of "
              + pods.size()
              + " data-plane pods to apply version "
              + abbreviate(version));
    }
    return new Condition(
        PROGRAMMED,
        true,
        "Programmed",
        "all " + pods.size() + " data-plane pods applied the current version");
  }

  /** Whether {@code n} NACKed {@code version} and has not applied it since. */
  private static boolean rejects(NodeState n, String version) {
    return n.connected()
        && n.lastNack() != null
        && n.lastNack().version().equals(version)
        && !n.lastAckedVersion().equals(version);
  }

  /**
   * {@code conditions} with Programmed replaced by {@code programmed}, unless the translation
   * already says False (its reason wins: the data plane cannot fix the input). Added when absent.
   */
  private static List<Condition> override(List<Condition> conditions, Condition programmed) {
    List<Condition> out = new ArrayList<>();
    boolean seen = false;
    for (Condition c : conditions) {
      if (c.type().equals(PROGRAMMED)) {
        seen = true;
        out.add(c.status() ? programmed : c);
      } else {
        out.add(c);
      }
    }
    if (!seen) {
      out.add(programmed);
    }
    return out;
  }

  /** Adds Programmed=False/Rejected to the parents of routes that a current NACK names. */
  private static List<RouteStatus> rejectRoutes(
      Build build, List<NodeState> nodes, List<RouteStatus> routes, List<Warning> warnings) {
    // route object → (pod's gateway or "" → message)
    Map<ObjectRef, Map<String, String>> rejected = new LinkedHashMap<>();
    for (NodeState n : nodes) {
      ConfigSnapshot snapshot = build.snapshotFor(n.gateway());
      if (!rejects(n, snapshot.getVersion())) {
        continue;
      }
      for (NodeState.FailedResource r : n.lastNack().resources()) {
        if (!r.kind().equals("route")) {
          continue;
        }
        Optional<ObjectRef> source = sourceOf(snapshot, r.name());
        if (source.isEmpty()) {
          continue;
        }
        String message = "pod " + pod(n) + " rejected route " + r.name() + ": " + r.reason();
        rejected
            .computeIfAbsent(source.get(), k -> new LinkedHashMap<>())
            .put(n.gateway(), message);
        warnings.add(
            new Warning(
                source.get(), "Rejected", message, pod(n) + "/" + n.lastNack().nonce() + r.name()));
      }
    }
    if (rejected.isEmpty()) {
      return routes;
    }
    List<RouteStatus> out = new ArrayList<>();
    for (RouteStatus rs : routes) {
      Map<String, String> byGateway = rejected.get(rs.ref());
      if (byGateway == null) {
        out.add(rs);
        continue;
      }
      List<RouteParentStatus> parents = new ArrayList<>();
      for (RouteParentStatus p : rs.parents()) {
        String gw = p.gateway().namespace() + "/" + p.gateway().name();
        // A shared pod serves every parent; a dedicated pod only its own Gateway.
        String message = byGateway.containsKey(gw) ? byGateway.get(gw) : byGateway.get("");
        if (message == null) {
          parents.add(p);
          continue;
        }
        List<Condition> conditions = new ArrayList<>();
        p.conditions().stream().filter(c -> !c.type().equals(PROGRAMMED)).forEach(conditions::add);
        conditions.add(new Condition(PROGRAMMED, false, "Rejected", message));
        parents.add(new RouteParentStatus(p.gateway(), p.sectionName(), p.port(), conditions));
      }
      out.add(new RouteStatus(rs.ref(), rs.observedGeneration(), parents));
    }
    return out;
  }

  /** The object a snapshot route came from, parsed from its {@code source} ("Kind ns/name"). */
  static Optional<ObjectRef> sourceOf(ConfigSnapshot snapshot, String routeName) {
    for (RouteTable t : snapshot.getRouteTablesList()) {
      for (VirtualHost vh : t.getVirtualHostsList()) {
        for (Route r : vh.getRoutesList()) {
          if (r.getName().equals(routeName)) {
            return parseSource(r.getSource());
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<ObjectRef> parseSource(String source) {
    int space = source.indexOf(' ');
    int slash = source.indexOf('/', space + 1);
    if (space <= 0 || slash < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ObjectRef(
            source.substring(0, space),
            source.substring(space + 1, slash),
            source.substring(slash + 1)));
  }

  /** The pod as "namespace/pod", or the node id when the node did not say which pod it is. */
  private static String pod(NodeState n) {
    if (n.pod().isEmpty()) {
      return n.id();
    }
    return n.namespace().isEmpty() ? n.pod() : n.namespace() + "/" + n.pod();
  }

  static String abbreviate(String version) {
    return version.length() > 12 ? version.substring(0, 12) : version;
  }
}
