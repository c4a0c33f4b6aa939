package dev.weir.controller.translate;

import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.GatewayClassStatus;
import dev.weir.controller.model.GatewayApiStatus.GatewayStatus;
import dev.weir.controller.model.GatewayApiStatus.ListenerStatus;
import dev.weir.controller.model.GatewayApiStatus.RouteParentStatus;
import dev.weir.controller.model.GatewayApiStatus.RouteStatus;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.GatewayApiTranslation.AttachedRoute;
import dev.weir.controller.translate.GatewayApiTranslation.GatewayListener;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Translates the Gateway API objects of Weir's GatewayClasses ({@code spec.controllerName} equal to
 * the configured Gateway controller name; other classes and their Gateways are ignored) into
 * listeners, attached routes and clusters, plus the status every object should carry.
 *
 * <ul>
 *   <li>GatewayClass: Accepted and SupportedVersion, and {@link GatewayFeatures#SUPPORTED}.
 *   <li>Gateway listeners: see {@link GatewayTranslator}. The Gateway is Accepted unless no
 *       listener is ({@code ListenersNotValid}), and Programmed when one listener can be.
 *   <li>HTTPRoute parentRefs (group/kind default to the Gateway; namespace to the route's): the
 *       route attaches to every listener selected by {@code sectionName} and {@code port} that
 *       allows its namespace ({@code Same}, {@code All}, or a {@code Selector} over the Namespace's
 *       labels) and kind and whose hostname intersects the route's hostnames. The reasons when it
 *       attaches nowhere: {@code NoMatchingParent}, {@code NotAllowedByListeners}, {@code
 *       NoMatchingListenerHostname}, and {@code UnsupportedValue} when every rule was dropped.
 *       Rules: see {@link HttpRouteRules}.
 *   <li>GRPCRoute: parentRefs, hostnames and attachment exactly as HTTPRoute (a listener must allow
 *       the kind GRPCRoute, which HTTP and HTTPS listeners do by default). Rules: see {@link
 *       GrpcRouteRules}. A GRPCRoute and an HTTPRoute are never both attached to one listener for
 *       overlapping hostnames: the older (then the first by namespace/name) keeps the listener and
 *       the other is not attached there, {@code Accepted=False} reason {@code HostnameConflict}
 *       when no listener is left (see {@link ListenerHostClaims}).
 * </ul>
 *
 * <p>Stateless: safe to use from any thread; each call builds its own indexes.
 */
public final class GatewayApiTranslator {

  private static final Comparator<HasMetadata> BY_NAME =
      Comparator.comparing(Ingresses::namespace).thenComparing(Ingresses::name);

  private final IngressOptions options;

  /**
   * @param options the controller's settings (Gateway controller name, Ingress ports, timeouts)
   */
  public GatewayApiTranslator(IngressOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Translates the Gateway API part of {@code state}. Never throws on user input. */
  public GatewayApiTranslation translate(ClusterState state) {
    ClusterState.GatewayApiObjects api = state.gatewayApi();
    List<Problem> problems = new ArrayList<>();
    ReferenceGrants grants = new ReferenceGrants(api.referenceGrants());
    BackendTlsPolicies tlsPolicies =
        new BackendTlsPolicies(api.backendTlsPolicies(), api.configMaps());
    BackendPolicies backendPolicies =
        new BackendPolicies(state.policies().backendPolicies(), state.services());
    BackendResolver backends =
        new BackendResolver(
            options, state.services(), state.endpointSlices(), tlsPolicies, backendPolicies);
    TlsResolver certificates = new TlsResolver(state.secrets());
    FrontendValidation frontend = new FrontendValidation(api.configMaps(), grants);
    GatewayTranslator gateways = new GatewayTranslator(options, grants, certificates);
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    for (Namespace n : api.namespaces()) {
      if (n != null && n.getMetadata() != null && n.getMetadata().getName() != null) {
        namespaceLabels.put(
            n.getMetadata().getName(),
            n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
      }
    }

    TreeMap<String, GatewayClass> classes = new TreeMap<>();
    for (GatewayClass c : api.gatewayClasses()) {
      if (c != null
          && c.getMetadata() != null
          && c.getMetadata().getName() != null
          && c.getSpec() != null
          && options.gatewayControllerName().equals(c.getSpec().getControllerName())) {
        classes.put(c.getMetadata().getName(), c);
      }
    }
    List<GatewayClassStatus> classStatus = new ArrayList<>();
    classes.forEach(
        (name, c) ->
            classStatus.add(
                new GatewayClassStatus(
                    new ObjectRef("GatewayClass", "", name),
                    generation(c),
                    List.of(
                        new Condition("Accepted", true, "Accepted", "Weir accepts this class"),
                        new Condition(
                            "SupportedVersion",
                            true,
                            "SupportedVersion",
                            "Gateway API v1 is supported")),
                    GatewayFeatures.SUPPORTED)));

    // Gateways of our classes, and their listeners.
    Map<String, Gateway> ours = new TreeMap<>();
    Map<String, List<ListenerInfo>> listeners = new HashMap<>();
    BackendClientCertificates clientCertificates = new BackendClientCertificates();
    for (Gateway g : api.gateways().stream().filter(Objects::nonNull).sorted(BY_NAME).toList()) {
      if (g.getMetadata() == null
          || g.getSpec() == null
          || !classes.containsKey(g.getSpec().getGatewayClassName())) {
        continue;
      }
      String key = Ingresses.namespace(g) + "/" + Ingresses.name(g);
      ours.put(key, g);
      List<ListenerInfo> infos = gateways.listeners(g, problems);
      clientCertificates.resolve(key, g, gateways, problems);
      // A Gateway asking for an unsupported address is not accepted: no route attaches to it.
      listeners.put(
          key,
          GatewayAddressRequests.unsupported(g).isPresent()
              ? infos.stream().map(ListenerInfo::unserved).toList()
              : infos);
    }

    TrafficPolicies trafficPolicies =
        new TrafficPolicies(
            state.policies().trafficPolicies(),
            ours,
            api.httpRoutes(),
            new JwksSources(state.secrets(), api.configMaps()));

    // Routes.
    Map<String, Integer> attached = new HashMap<>();
    List<AttachedRoute> attachments = new ArrayList<>();
    List<RouteStatus> routeStatus = new ArrayList<>();
    HttpRouteBackends routeBackends = new HttpRouteBackends(backends, grants);
    FilterExtensions extensions = new FilterExtensions(state.policies().filterExtensions());
    HttpRouteRules httpRules = new HttpRouteRules(routeBackends, extensions);
    GrpcRouteRules grpcRules = new GrpcRouteRules(routeBackends, extensions);
    List<RouteSource> sources = new ArrayList<>();
    for (HTTPRoute route :
        api.httpRoutes().stream().filter(Objects::nonNull).sorted(BY_NAME).toList()) {
      if (route.getMetadata() != null && route.getSpec() != null) {
        sources.add(
            new RouteSource(
                route,
                Ingresses.ref("HTTPRoute", route),
                route.getSpec().getParentRefs(),
                route.getSpec().getHostnames(),
                () -> httpRules.translate(route, problems)));
      }
    }
    for (GRPCRoute route :
        api.grpcRoutes().stream().filter(Objects::nonNull).sorted(BY_NAME).toList()) {
      if (route.getMetadata() != null && route.getSpec() != null) {
        sources.add(
            new RouteSource(
                route,
                Ingresses.ref(HttpRouteBackends.GRPC_ROUTE, route),
                route.getSpec().getParentRefs(),
                route.getSpec().getHostnames(),
                () -> grpcRules.translate(route, problems)));
      }
    }
    // GRPCRoute spec.hostnames: between an HTTPRoute and a GRPCRoute the oldest, then the first by
    // namespace/name, keeps an overlapping hostname on a listener; so routes attach in that order.
    sources.sort(
        Comparator.comparing(
                (RouteSource r) -> Ingresses.created(r.object()),
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(r -> r.ref().namespace())
            .thenComparing(r -> r.ref().name())
            .thenComparing(r -> r.ref().kind()));
    ListenerHostClaims claims = new ListenerHostClaims();
    for (RouteSource route : sources) {
      if (route.parentRefs() == null) {
        continue;
      }
      ObjectRef ref = route.ref();
      List<RouteParentStatus> parents = new ArrayList<>();
      HttpRouteRules.Result result = null;
      for (ParentReference p : route.parentRefs()) {
        if (p == null) {
          continue;
        }
        String group = p.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : p.getGroup();
        String kind = p.getKind() == null ? "Gateway" : p.getKind();
        String ns =
            p.getNamespace() == null || p.getNamespace().isEmpty()
                ? ref.namespace()
                : p.getNamespace();
        String key = ns + "/" + Objects.requireNonNullElse(p.getName(), "");
        if (!group.equals(ReferenceGrants.GATEWAY_GROUP)
            || !kind.equals("Gateway")
            || !ours.containsKey(key)) {
          continue; // not a parent of ours: another controller reports on it.
        }
        if (result == null) {
          result = route.rules().get();
        }
        parents.add(
            RouteAttachment.attach(
                route,
                p,
                key,
                listeners.get(key),
                result,
                namespaceLabels,
                attached,
                attachments,
                claims,
                trafficPolicies,
                problems));
      }
      if (!parents.isEmpty()) {
        routeStatus.add(new RouteStatus(ref, generation(route.object()), parents));
      }
    }

    // Status in a stable order whatever the attachment order: HTTPRoutes, then GRPCRoutes, by name.
    routeStatus.sort(
        Comparator.comparing((RouteStatus r) -> !r.ref().kind().equals("HTTPRoute"))
            .thenComparing(r -> r.ref().namespace())
            .thenComparing(r -> r.ref().name()));
    List<GatewayStatus> gatewayStatus = new ArrayList<>();
    List<GatewayListener> programmable = new ArrayList<>();
    ours.forEach(
        (key, g) -> {
          List<ListenerInfo> infos = listeners.get(key);
          List<ListenerStatus> ls = new ArrayList<>();
          int accepted = 0;
          int programmed = 0;
          // An unsupported requested address makes the whole Gateway unaccepted: nothing is served.
          Optional<String> badAddress = GatewayAddressRequests.unsupported(g);
          for (ListenerInfo l : infos) {
            FrontendValidation.Result clients =
                frontend.forListener(g, l.port(), l.tls() && l.programmable(), problems);
            ls.add(
                new ListenerStatus(
                    l.name(),
                    attached.getOrDefault(key + "#" + l.name(), 0),
                    l.kinds(),
                    badAddress.isEmpty()
                        ? clients.conditions(l.conditions())
                        : notProgrammed(clients.conditions(l.conditions()))));
            accepted += l.attachable() ? 1 : 0;
            if (l.programmable() && clients.usable() && badAddress.isEmpty()) {
              programmed++;
              programmable.add(
                  new GatewayListener(
                      key,
                      l.name(),
                      l.port(),
                      l.tls(),
                      l.hostname(),
                      l.certificates(),
                      clients.validation()));
            }
          }
          List<Condition> conditions = new ArrayList<>();
          if (badAddress.isPresent()) {
            ObjectRef ref = Ingresses.ref("Gateway", g);
            problems.add(new Problem(ref, "Accepted", "UnsupportedAddress", badAddress.get()));
            conditions.add(
                new Condition("Accepted", false, "UnsupportedAddress", badAddress.get()));
            accepted = 0;
            programmed = 0;
          } else if (accepted == 0) {
            conditions.add(
                new Condition("Accepted", false, "ListenersNotValid", "no listener is valid"));
          } else if (accepted < infos.size()) {
            conditions.add(
                new Condition(
                    "Accepted", true, "ListenersNotValid", "some listeners are not valid"));
          } else {
            conditions.add(new Condition("Accepted", true, "Accepted", "Gateway accepted"));
          }
          conditions.add(
              programmed > 0
                  ? new Condition("Programmed", true, "Programmed", "Gateway programmed")
                  : new Condition("Programmed", false, "Invalid", "no listener can be programmed"));
          clientCertificates.condition(key).ifPresent(conditions::add);
          gatewayStatus.add(
              new GatewayStatus(
                  Ingresses.ref("Gateway", g), generation(g), conditions, ls, List.of()));
        });
    List<AttachedRoute> served = clientCertificates.apply(attachments, backends.clusters());
    return new GatewayApiTranslation(
        programmable,
        served,
        List.copyOf(backends.clusters().values()),
        clientCertificates.bundles(),
        problems,
        new GatewayApiStatus(
            classStatus,
            gatewayStatus,
            routeStatus,
            policyStatus(state, ours, tlsPolicies, backendPolicies, trafficPolicies)));
  }

  /** GEP-713 status of BackendTLSPolicies, BackendPolicies and TrafficPolicies, in that order. */
  private static List<GatewayApiStatus.PolicyStatus> policyStatus(
      ClusterState state,
      Map<String, Gateway> ours,
      BackendTlsPolicies tlsPolicies,
      BackendPolicies backendPolicies,
      TrafficPolicies trafficPolicies) {
    ClusterState.GatewayApiObjects api = state.gatewayApi();
    List<GatewayApiStatus.PolicyStatus> out = new ArrayList<>();
    out.addAll(
        ServicePolicyAncestors.status(
            tlsPolicies, ours.keySet(), api.httpRoutes(), api.grpcRoutes()));
    out.addAll(
        ServicePolicyAncestors.status(
            backendPolicies, ours.keySet(), api.httpRoutes(), api.grpcRoutes()));
    out.addAll(trafficPolicies.status());
    return out;
  }

  /** {@code conditions} with Programmed set to False: the Gateway they belong to is not served. */
  private static List<Condition> notProgrammed(List<Condition> conditions) {
    return conditions.stream()
        .map(
            c ->
                c.type().equals("Programmed")
                    ? new Condition("Programmed", false, "Invalid", "the Gateway is not accepted")
                    : c)
        .toList();
  }

  private static long generation(HasMetadata o) {
    Long g = o.getMetadata() == null ? null : o.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
