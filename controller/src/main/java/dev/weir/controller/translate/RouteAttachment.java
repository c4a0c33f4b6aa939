package dev.weir.controller.translate;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.RouteParentStatus;
import dev.weir.controller.translate.GatewayApiTranslation.AttachedRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Attaches one parentRef of an HTTPRoute or GRPCRoute to a Gateway's listeners, by the spec's
 * rules: sectionName and port select listeners, allowedRoutes (kinds and namespaces) must admit the
 * route, hostnames must intersect, an HTTPRoute and a GRPCRoute never share a listener's hostname,
 * and a route whose rules are all invalid is not accepted. It yields the parent's conditions and,
 * when accepted, the routes to serve. Stateless.
 */
final class RouteAttachment {

  private RouteAttachment() {}

  static RouteParentStatus attach(
      RouteSource route,
      ParentReference p,
      String gatewayKey,
      List<ListenerInfo> infos,
      HttpRouteRules.Result result,
      Map<String, Map<String, String>> namespaceLabels,
      Map<String, Integer> attached,
      List<AttachedRoute> out,
      ListenerHostClaims claims,
      TrafficPolicies trafficPolicies,
      List<Problem> problems) {
    String section = Objects.requireNonNullElse(p.getSectionName(), "");
    int port = p.getPort() == null ? 0 : p.getPort();
    ObjectRef gw =
        new ObjectRef(
            "Gateway",
            gatewayKey.substring(0, gatewayKey.indexOf('/')),
            gatewayKey.substring(gatewayKey.indexOf('/') + 1));
    ObjectRef ref = route.ref();
    // Loops rather than streams: this runs for every route and parent of every build.
    List<String> hostnames = new ArrayList<>();
    for (String h : Objects.requireNonNullElse(route.hostnames(), List.<String>of())) {
      if (h != null && !h.isEmpty()) {
        hostnames.add(h);
      }
    }
    List<ListenerInfo> selected = new ArrayList<>();
    for (ListenerInfo l : infos) {
      if ((section.isEmpty() || l.name().equals(section)) && (port == 0 || l.port() == port)) {
        selected.add(l);
      }
    }
    List<Condition> conditions = new ArrayList<>();
    String reason = "Accepted";
    String message = "route accepted";
    Map<ListenerInfo, List<String>> matched = new java.util.LinkedHashMap<>();
    if (selected.isEmpty()) {
      reason = "NoMatchingParent";
      message =
          "no listener of " + gw + " matches sectionName \"" + section + "\" and port " + port;
    } else {
      List<ListenerInfo> allowed = new ArrayList<>();
      for (ListenerInfo l : selected) {
        if (l.attachable()
            && l.kinds().contains(ref.kind())
            && allowsNamespace(l, ref.namespace(), namespaceLabels)) {
          allowed.add(l);
        }
      }
      if (allowed.isEmpty()) {
        reason = "NotAllowedByListeners";
        message =
            selected.stream().noneMatch(ListenerInfo::attachable)
                ? "no listener of " + gw + " takes routes (see the Gateway's conditions)"
                : "no listener of "
                    + gw
                    + " allows "
                    + ref.kind()
                    + "s from namespace "
                    + ref.namespace();
      } else {
        for (ListenerInfo l : allowed) {
          List<String> hosts = Hostnames.intersect(l.hostname(), hostnames);
          if (!hosts.isEmpty()) {
            matched.put(l, hosts);
          }
        }
        String conflict = "";
        for (var it = matched.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          Optional<ObjectRef> older =
              claims.conflict(gatewayKey + "#" + e.getKey().name(), ref, e.getValue());
          if (older.isPresent()) {
            it.remove();
            conflict = "listener " + e.getKey().name() + " already serves " + older.get();
          }
        }
        if (matched.isEmpty() && !conflict.isEmpty()) {
          reason = ListenerHostClaims.REASON;
          message =
              conflict
                  + " for an overlapping hostname; an HTTPRoute and a GRPCRoute cannot share one,"
                  + " and the older route keeps it";
        } else if (matched.isEmpty()) {
          reason = "NoMatchingListenerHostname";
          message = "no listener hostname of " + gw + " intersects the route's hostnames";
        } else if (result.routes().isEmpty()) {
          reason = "UnsupportedValue";
          message = "every rule is invalid: " + String.join("; ", result.droppedRules());
        }
      }
    }
    boolean accepted = reason.equals("Accepted");
    conditions.add(new Condition("Accepted", accepted, reason, message));
    conditions.add(
        new Condition(
            "ResolvedRefs",
            result.refsReason().equals("ResolvedRefs"),
            result.refsReason(),
            result.refsMessage()));
    if (accepted && !result.droppedRules().isEmpty()) {
      conditions.add(
          new Condition(
              "PartiallyInvalid",
              true,
              "UnsupportedValue",
              "Dropped Rule(s): " + String.join("; ", result.droppedRules())));
    }
    if (!accepted) {
      problems.add(new Problem(ref, "Accepted", reason, "parent " + gw + ": " + message));
    } else {
      Optional<java.time.Instant> created = Optional.ofNullable(Ingresses.created(route.object()));
      matched.forEach(
          (l, hosts) -> {
            claims.claim(gatewayKey + "#" + l.name(), ref, hosts);
            attached.merge(gatewayKey + "#" + l.name(), 1, Integer::sum);
            if (!l.programmable()) {
              return;
            }
            for (String host : new TreeSet<>(hosts)) {
              for (HttpRouteRules.Indexed r : result.routes()) {
                out.add(
                    new AttachedRoute(
                        gatewayKey,
                        l.port(),
                        Hostnames.domain(host),
                        TrafficPolicyAttachment.apply(
                            trafficPolicies, gatewayKey, l.name(), route, r.rule(), r.route()),
                        created,
                        r.rule(),
                        r.match(),
                        r.grpc()));
              }
            }
          });
    }
    return new RouteParentStatus(gw, section, port, conditions);
  }

  private static boolean allowsNamespace(
      ListenerInfo l, String namespace, Map<String, Map<String, String>> namespaceLabels) {
    return switch (l.from()) {
      case "All" -> true;
      case "Same" -> l.gateway().namespace().equals(namespace);
      case "Selector" ->
          l.selector().map(s -> s.matches(labels(namespace, namespaceLabels))).orElse(false);
      default -> false;
    };
  }

  /**
   * The labels of {@code namespace}, with the name label the API server puts on every Namespace
   * (also when the Namespace object is not known, as in local mode without Namespace manifests).
   */
  private static Map<String, String> labels(
      String namespace, Map<String, Map<String, String>> namespaceLabels) {
    Map<String, String> labels = new HashMap<>(namespaceLabels.getOrDefault(namespace, Map.of()));
    labels.putIfAbsent(NamespaceSelector.NAME_LABEL, namespace);
    return labels;
  }
}
