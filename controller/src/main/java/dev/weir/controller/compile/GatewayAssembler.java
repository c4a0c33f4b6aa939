package dev.weir.controller.compile;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.ClientValidation;
import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.Listener;
import dev.weir.controller.model.Model;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.RouteTable;
import dev.weir.controller.model.SniEntry;
import dev.weir.controller.model.TlsBundle;
import dev.weir.controller.model.VirtualHost;
import dev.weir.controller.translate.GatewayApiTranslation;
import dev.weir.controller.translate.GatewayApiTranslation.AttachedRoute;
import dev.weir.controller.translate.GatewayApiTranslation.GatewayListener;
import dev.weir.controller.translate.ObjectRef;
import dev.weir.controller.translate.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Assembles the Gateway API listeners and attached routes of a set of Gateways into a {@link
 * Model}, optionally merged with the Ingress model (shared pods).
 *
 * <ul>
 *   <li>Each distinct listener port becomes one snapshot listener {@code gateway/<port>} served by
 *       one route table of the same name; HTTPS listeners' certificates become its SNI entries (the
 *       listener hostname, or the default certificate for a listener without one).
 *   <li>Routes of one domain are sorted by the HTTPRouteRule precedence of the Gateway API spec:
 *       exact path, then the longest prefix, then a method match, then most header matches, then
 *       most query parameter matches, then the oldest route, then namespace/name, then rule and
 *       match order. Regular-expression paths (implementation-specific precedence) come after
 *       prefixes. GRPCRoute routes on the same domain come first, sorted by the GRPCRouteRule
 *       precedence: Exact method matches before RegularExpression ones, then most characters in the
 *       method match's service, then in its method, then most header matches, then the same ties;
 *       they only match gRPC requests (see {@code GrpcRouteRules}).
 *   <li>Coexistence: an Ingress listener on a port that a Gateway listener also uses joins that
 *       port's table; on a domain both claim, the Gateway API virtual host wins and the Ingress
 *       gets a {@code Conflicted/HostClaimedByGateway} problem.
 * </ul>
 *
 * <p>Stateless.
 */
final class GatewayAssembler {

  /**
   * The assembled model and the problems found while merging.
   *
   * @param model the model
   * @param problems coexistence problems
   */
  record Result(Model model, List<Problem> problems) {}

  /** Among routes of equal specificity: the oldest route, then namespace/name, then spec order. */
  private static final Comparator<AttachedRoute> TIES =
      Comparator.<AttachedRoute, Instant>comparing(
              a -> a.created().orElse(null),
              Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
          .thenComparing(a -> a.route().source().namespace())
          .thenComparing(a -> a.route().source().name())
          .thenComparingInt(AttachedRoute::rule)
          .thenComparingInt(AttachedRoute::match);

  /** Gateway API HTTPRouteRule precedence (the hostname is already the virtual host's). */
  private static final Comparator<AttachedRoute> HTTP_PRECEDENCE =
      Comparator.<AttachedRoute>comparingInt(a -> a.route().match().kind().ordinal())
          .thenComparingInt(a -> -a.route().match().value().length())
          .thenComparingInt(a -> a.route().method().isEmpty() ? 1 : 0)
          .thenComparingInt(a -> -a.route().headers().size())
          .thenComparingInt(a -> -a.route().queryParams().size())
          .thenComparing(TIES);

  /**
   * Gateway API GRPCRouteRule precedence (the hostname is already the virtual host's): Exact method
   * matches before RegularExpression ones (see {@code GrpcMethodRank}), then most characters in the
   * service, then in the method, then most header matches.
   */
  private static final Comparator<AttachedRoute> GRPC_PRECEDENCE =
      Comparator.<AttachedRoute>comparingInt(a -> a.grpc().orElseThrow().exact() ? 0 : 1)
          .thenComparingInt(a -> -a.grpc().orElseThrow().service())
          .thenComparingInt(a -> -a.grpc().orElseThrow().method())
          .thenComparingInt(a -> -a.route().headers().size())
          .thenComparing(TIES);

  /**
   * The order of routes in one virtual host: GRPCRoute routes (which only match gRPC requests)
   * before HTTPRoute routes, each kind by its own precedence.
   */
  static final Comparator<AttachedRoute> PRECEDENCE =
      (a, b) -> {
        if (a.grpc().isPresent() != b.grpc().isPresent()) {
          return a.grpc().isPresent() ? -1 : 1;
        }
        return a.grpc().isPresent() ? GRPC_PRECEDENCE.compare(a, b) : HTTP_PRECEDENCE.compare(a, b);
      };

  private GatewayAssembler() {}

  /**
   * @param in the Gateway API translation
   * @param gateways which Gateways ("namespace/name") to include
   * @param ingress the Ingress model to merge with, or empty for a dedicated pod
   */
  static Result assemble(
      GatewayApiTranslation in, Predicate<String> gateways, Optional<Model> ingress) {
    // Ports, in the order of the first listener on each.
    Map<Integer, List<GatewayListener>> ports = new TreeMap<>();
    for (GatewayListener l : in.listeners()) {
      if (gateways.test(l.gateway())) {
        List<GatewayListener> same = ports.computeIfAbsent(l.port(), p -> new ArrayList<>());
        if (same.isEmpty() || same.get(0).tls() == l.tls()) {
          same.add(l);
        }
      }
    }
    Map<Integer, Map<String, List<AttachedRoute>>> byPort = new TreeMap<>();
    for (AttachedRoute a : in.routes()) {
      if (gateways.test(a.gateway()) && ports.containsKey(a.port())) {
        byPort
            .computeIfAbsent(a.port(), p -> new TreeMap<>(HostOrder.MOST_SPECIFIC_FIRST))
            .computeIfAbsent(a.domain(), d -> new ArrayList<>())
            .add(a);
      }
    }
    Map<String, TlsBundle> bundles = new TreeMap<>();
    Map<String, Cluster> clusters = new TreeMap<>();
    in.clusters().forEach(c -> clusters.put(c.name(), c));
    in.clientCertificates().forEach(b -> bundles.put(b.name(), b));
    List<Listener> listeners = new ArrayList<>();
    List<RouteTable> tables = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Model ing = ingress.orElse(null);
    if (ing != null) {
      ing.clusters().forEach(c -> clusters.putIfAbsent(c.name(), c));
      ing.secrets().forEach(s -> bundles.putIfAbsent(s.name(), s));
    }
    Set<Integer> mergedPorts = new HashSet<>();
    for (Map.Entry<Integer, List<GatewayListener>> e : ports.entrySet()) {
      int port = e.getKey();
      String name = "gateway/" + port;
      boolean tls = e.getValue().get(0).tls();
      Map<String, VirtualHost> vhosts = new TreeMap<>(HostOrder.MOST_SPECIFIC_FIRST);
      byPort
          .getOrDefault(port, Map.of())
          .forEach((domain, routes) -> vhosts.put(domain, virtualHost(domain, routes)));
      Map<String, String> sni = new TreeMap<>(HostOrder.MOST_SPECIFIC_FIRST);
      String defaultSecret = "";
      // One TLS context set per port: the first listener with client validation sets it.
      ClientValidation clients = null;
      for (GatewayListener l : e.getValue()) {
        if (clients == null) {
          clients = l.clientValidation();
        }
        for (TlsBundle b : l.certificates()) {
          bundles.putIfAbsent(b.name(), b);
        }
        if (!l.certificates().isEmpty()) {
          String secret = l.certificates().get(0).name();
          if (l.hostname().isPresent()) {
            sni.putIfAbsent(l.hostname().get(), secret);
          } else if (defaultSecret.isEmpty()) {
            defaultSecret = secret;
          }
        }
      }
      Listener shared = ing == null ? null : ingressListener(ing, port);
      if (shared != null && shared.tls() == tls) {
        mergedPorts.add(port);
        for (RouteTable t : ing.routeTables()) {
          if (!t.name().equals(shared.routeTable())) {
            continue;
          }
          for (VirtualHost v : t.virtualHosts()) {
            if (vhosts.containsKey(v.name())) {
              new TreeSet<>(v.routes().stream().map(Route::source).toList())
                  .forEach(
                      src ->
                          problems.add(
                              new Problem(
                                  src,
                                  "Conflicted",
                                  "HostClaimedByGateway",
                                  "host "
                                      + v.name()
                                      + " on port "
                                      + port
                                      + " is served by a Gateway API route; this Ingress's rules"
                                      + " for it are not served on that port")));
            } else {
              vhosts.put(v.name(), v);
            }
          }
        }
        for (SniEntry s : shared.certificates()) {
          sni.putIfAbsent(s.hostname(), s.secret());
        }
        if (defaultSecret.isEmpty()) {
          defaultSecret = shared.defaultSecret();
        }
      }
      if (tls && defaultSecret.isEmpty() && !sni.isEmpty()) {
        defaultSecret = new TreeSet<>(sni.values()).first();
      }
      List<SniEntry> entries = new ArrayList<>();
      sni.forEach((h, s) -> entries.add(new SniEntry(h, s)));
      listeners.add(
          new Listener(
              name,
              port,
              tls,
              name,
              tls ? entries : List.of(),
              tls ? defaultSecret : "",
              tls ? clients : null));
      tables.add(new RouteTable(name, List.copyOf(vhosts.values())));
    }
    if (ing != null) {
      Set<String> tablesInUse = new HashSet<>();
      for (Listener l : ing.listeners()) {
        if (!mergedPorts.contains(l.port())) {
          listeners.add(l);
          tablesInUse.add(l.routeTable());
        }
      }
      ing.routeTables().stream().filter(t -> tablesInUse.contains(t.name())).forEach(tables::add);
    }
    listeners.sort(Comparator.comparing(Listener::name));
    tables.sort(Comparator.comparing(RouteTable::name));
    Set<String> usedClusters = new TreeSet<>();
    for (RouteTable t : tables) {
      for (VirtualHost v : t.virtualHosts()) {
        for (Route r : v.routes()) {
          if (r.action() instanceof Action.Forward f) {
            f.backends().stream()
                .filter(b -> !b.isError())
                .forEach(b -> usedClusters.add(b.cluster()));
          }
          r.mirrors().forEach(m -> usedClusters.add(m.cluster()));
        }
      }
    }
    List<Cluster> used =
        clusters.values().stream().filter(c -> usedClusters.contains(c.name())).toList();
    Set<String> usedSecrets = new TreeSet<>();
    used.stream()
        .filter(c -> c.tls() != null && !c.tls().clientSecret().isEmpty())
        .forEach(c -> usedSecrets.add(c.tls().clientSecret()));
    for (Listener l : listeners) {
      l.certificates().forEach(c -> usedSecrets.add(c.secret()));
      if (!l.defaultSecret().isEmpty()) {
        usedSecrets.add(l.defaultSecret());
      }
    }
    Model model =
        new Model(
            listeners,
            tables,
            used,
            bundles.values().stream().filter(b -> usedSecrets.contains(b.name())).toList());
    return new Result(model, problems);
  }

  private static Listener ingressListener(Model ingress, int port) {
    return ingress.listeners().stream().filter(l -> l.port() == port).findFirst().orElse(null);
  }

  private static VirtualHost virtualHost(String domain, List<AttachedRoute> routes) {
    List<AttachedRoute> sorted = new ArrayList<>(routes);
    sorted.sort(PRECEDENCE);
    // The same route reaches one domain through several listeners or Gateways: keep it once.
    Map<String, Route> unique = new LinkedHashMap<>();
    for (AttachedRoute a : sorted) {
      unique.putIfAbsent(a.route().name(), a.route());
    }
    return new VirtualHost(domain, List.of(domain), List.copyOf(unique.values()));
  }

  /** Every Gateway the translation has status for, as "namespace/name". */
  static List<String> gatewayKeys(GatewayApiTranslation in) {
    List<String> keys = new ArrayList<>();
    for (var g : in.status().gateways()) {
      ObjectRef r = g.ref();
      keys.add(r.namespace() + "/" + r.name());
    }
    return keys;
  }
}
