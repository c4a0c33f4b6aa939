package dev.weir.controller.compile;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Cluster;
import dev.weir.controller.model.Listener;
import dev.weir.controller.model.Model;
import dev.weir.controller.model.PathMatch;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.RouteTable;
import dev.weir.controller.model.SniEntry;
import dev.weir.controller.model.TlsBundle;
import dev.weir.controller.model.VirtualHost;
import dev.weir.controller.translate.IngressTranslation;
import dev.weir.controller.translate.IngressTranslation.DefaultBackendCandidate;
import dev.weir.controller.translate.IngressTranslation.RouteCandidate;
import dev.weir.controller.translate.IngressTranslation.TlsCandidate;
import dev.weir.controller.translate.IngressTranslator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Assembles validated (conflict-free) candidates into the sorted {@link Model}: virtual hosts per
 * host in {@link HostOrder}, routes in precedence order, the default backend last, only the
 * clusters that routes use, and the listeners. Stateless.
 */
final class ModelAssembler {

  static final String ROUTE_TABLE = "ingress";
  private static final PathMatch ROOT = new PathMatch(PathMatch.Kind.PREFIX, "/");
  private static final Comparator<Route> PRECEDENCE =
      Comparator.comparing(Route::match).thenComparing(Route::name);

  private ModelAssembler() {}

  static Model assemble(IngressTranslation in, IngressOptions options) {
    Map<String, List<Route>> byHost = new TreeMap<>(HostOrder.MOST_SPECIFIC_FIRST);
    for (RouteCandidate c : in.routes()) {
      byHost
          .computeIfAbsent(c.host(), h -> new ArrayList<>())
          .add(new Route(c.name(), c.match(), c.action(), c.source(), c.maxRequestBodyBytes()));
    }
    byHost.values().forEach(routes -> routes.sort(PRECEDENCE));
    for (DefaultBackendCandidate d : in.defaultBackends()) {
      String name = "ingress/" + d.source().namespace() + "/" + d.source().name() + "/default";
      Route route = new Route(name, ROOT, d.action(), d.source(), d.maxRequestBodyBytes());
      Set<String> hosts = new TreeSet<>(d.hosts());
      hosts.add(IngressTranslator.ANY_HOST);
      for (String host : hosts) {
        List<Route> routes = byHost.computeIfAbsent(host, h -> new ArrayList<>());
        // A "/" prefix route already catches everything the default backend would.
        if (routes.stream().noneMatch(r -> r.match().canonical().equals(ROOT))) {
          routes.add(route);
        }
      }
    }
    List<VirtualHost> vhosts = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    byHost.forEach(
        (host, routes) -> {
          if (!routes.isEmpty()) {
            vhosts.add(new VirtualHost(host, List.of(host), routes));
            routes.forEach(
                r -> {
                  if (r.action() instanceof Action.Forward f) {
                    f.backends().stream()
                        .filter(b -> !b.isError())
                        .forEach(b -> used.add(b.cluster()));
                  }
                });
          }
        });
    List<Cluster> clusters =
        in.clusters().stream()
            .filter(c -> used.contains(c.name()))
            .sorted(Comparator.comparing(Cluster::name))
            .toList();

    Map<String, TlsBundle> secrets = new TreeMap<>();
    Map<String, String> sni = new TreeMap<>(HostOrder.MOST_SPECIFIC_FIRST);
    String defaultSecret = null;
    for (TlsCandidate t : in.tls()) {
      secrets.putIfAbsent(t.bundle().name(), t.bundle());
      t.hosts().forEach(h -> sni.putIfAbsent(h, t.bundle().name()));
      if (t.hosts().isEmpty() && defaultSecret == null) {
        defaultSecret = t.bundle().name();
      }
    }
    List<Listener> listeners = new ArrayList<>();
    listeners.add(new Listener("http", options.httpPort(), false, ROUTE_TABLE, List.of(), ""));
    if (!secrets.isEmpty()) {
      if (defaultSecret == null) {
        defaultSecret = secrets.keySet().iterator().next();
      }
      List<SniEntry> entries = new ArrayList<>();
      sni.forEach((h, s) -> entries.add(new SniEntry(h, s)));
      listeners.add(
          new Listener("https", options.httpsPort(), true, ROUTE_TABLE, entries, defaultSecret));
    }
    return new Model(
        listeners,
        List.of(new RouteTable(ROUTE_TABLE, vhosts)),
        clusters,
        List.copyOf(secrets.values()));
  }
}
