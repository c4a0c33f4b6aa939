package dev.weir.dataplane.config;

import static dev.weir.dataplane.config.RuntimeConfigCompiler.error;

import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.HeaderMatch;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.QueryParamMatch;
import dev.weir.api.config.v1.Redirect;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.StringMatch;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.dataplane.routing.Backend;
import dev.weir.dataplane.routing.CorsPolicy;
import dev.weir.dataplane.routing.HeaderModifier;
import dev.weir.dataplane.routing.HostMatcher;
import dev.weir.dataplane.routing.Mirror;
import dev.weir.dataplane.routing.PathRewrite;
import dev.weir.dataplane.routing.RedirectTarget;
import dev.weir.dataplane.routing.RetryPolicy;
import dev.weir.dataplane.routing.RouteAction;
import dev.weir.dataplane.routing.RouteConditions;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteFilters;
import dev.weir.dataplane.routing.RouteTableMatcher;
import dev.weir.dataplane.routing.RouteTimeouts;
import dev.weir.dataplane.routing.StringMatcher;
import dev.weir.dataplane.routing.UrlRewrite;
import dev.weir.dataplane.routing.VirtualHostRoutes;
import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles route tables: virtual hosts by domain, routes with their conditions (regexes compiled
 * here, once per snapshot), weighted backends, header modifiers, rewrites, redirects and timeouts.
 * Every invalid value becomes a {@link ResourceError} naming the route; the {@code /config} route
 * lines are written on the way. Used by {@link RuntimeConfigCompiler} on the applying thread; one
 * instance per compile, not thread-safe.
 *
 * <p>What is the same is compiled once and shared: a virtual host that appears unchanged in several
 * tables (a Gateway's HTTP and HTTPS listeners carry the same routes), and the forward action of
 * routes that send everything to one cluster without header changes (most routes). At 10,000 routes
 * that halves both the compile and what the compiled tables keep.
 */
final class RouteCompiler {

  private final Map<String, UpstreamCluster> clusters;
  private final List<ResourceError> errors;
  private final List<String> routeLines;
  private final RouteFeatureCompiler features;
  private final FilterPlugins plugins;
  private final Map<HostKey, CompiledHost> compiledHosts = new HashMap<>();
  private final Map<OneBackend, RouteAction.Forward> oneBackendForwards = new HashMap<>();

  /** A virtual host's compiled routes and their {@code /config} lines. */
  private record CompiledHost(VirtualHostRoutes routes, List<String> lines) {}

  /**
   * A virtual host as a map key: equal when the protos are equal, hashed from its name, domains and
   * route count. Not the proto's own hashCode, which would load the descriptors of the whole
   * config.proto (about 400 KiB of heap kept for good) just for this.
   */
  private record HostKey(VirtualHost host) {
    @Override
    public int hashCode() {
      return (host.getName().hashCode() * 31 + host.getDomainsList().hashCode()) * 31
          + host.getRoutesCount();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HostKey k && k.host.equals(host);
    }
  }

  /** A forward to one cluster with this weight and no header modifiers. */
  private record OneBackend(String cluster, long weight) {}

  RouteCompiler(
      Map<String, UpstreamCluster> clusters,
      FilterPlugins plugins,
      List<ResourceError> errors,
      List<String> routeLines) {
    this.clusters = clusters;
    this.plugins = plugins;
    this.features = new RouteFeatureCompiler(clusters);
    this.errors = errors;
    this.routeLines = routeLines;
  }

  RouteTableMatcher compileTable(RouteTable table) {
    HostMatcher.Builder<VirtualHostRoutes> hosts = HostMatcher.builder();
    for (VirtualHost vhost : table.getVirtualHostsList()) {
      HostKey key = new HostKey(vhost);
      CompiledHost host = compiledHosts.get(key);
      if (host == null) {
        int before = errors.size();
        host = compileHost(vhost);
        // Only a clean compile is shared: a failing one must report its errors in each table.
        if (errors.size() == before) {
          compiledHosts.put(key, host);
        }
      }
      routeLines.addAll(host.lines());
      VirtualHostRoutes compiled = host.routes();
      for (String domain : vhost.getDomainsList()) {
        if (!validDomain(domain)) {
          errors.add(
              error(
                  "route_table",
                  table.getName(),
                  "virtual host " + vhost.getName() + " has invalid domain " + domain));
        } else {
          // A domain already claimed by an earlier virtual host keeps its first owner, like
          // first-match routes; the controller's validator reports such conflicts.
          hosts.add(domain, compiled);
        }
      }
    }
    return new RouteTableMatcher(table.getName(), hosts.build());
  }

  private CompiledHost compileHost(VirtualHost vhost) {
    VirtualHostRoutes.Builder routes = VirtualHostRoutes.builder();
    List<String> lines = new ArrayList<>(vhost.getRoutesCount());
    String domains = String.join(",", vhost.getDomainsList());
    int order = 0;
    for (Route route : vhost.getRoutesList()) {
      RouteEntry entry = compileRoute(route, order);
      if (entry == null) {
        continue;
      }
      order++;
      routes.add(entry);
      lines.add(domains + " " + RouteLines.describe(route, entry));
    }
    return new CompiledHost(routes.build(), lines);
  }

  private RouteEntry compileRoute(Route route, int order) {
    int before = errors.size();
    PathMatch path = route.getPath();
    RouteEntry.PathKind kind =
        switch (path.getKind()) {
          case PREFIX -> RouteEntry.PathKind.PREFIX;
          case EXACT -> RouteEntry.PathKind.EXACT;
          case REGEX -> RouteEntry.PathKind.REGEX;
          default -> {
            fail(route, "unknown path match kind " + path.getKind());
            yield RouteEntry.PathKind.PREFIX;
          }
        };
    String value = path.getValue();
    Pattern pathRegex = null;
    if (kind == RouteEntry.PathKind.REGEX) {
      pathRegex = regex(route, "path", value);
    } else if (!value.startsWith("/")) {
      fail(route, "path must start with '/': " + value);
    } else if (kind == RouteEntry.PathKind.PREFIX) {
      value = canonicalPrefix(value);
    }
    List<RouteConditions.Condition> headers = new ArrayList<>();
    for (HeaderMatch h : route.getHeadersList()) {
      if (h.getName().isEmpty()) {
        fail(route, "header match without a name");
      }
      headers.add(
          new RouteConditions.Condition(
              h.getName().toLowerCase(Locale.ROOT), matcher(route, h.getName(), h.getValue())));
    }
    List<RouteConditions.Condition> params = new ArrayList<>();
    for (QueryParamMatch q : route.getQueryParamsList()) {
      if (q.getName().isEmpty()) {
        fail(route, "query parameter match without a name");
      }
      params.add(
          new RouteConditions.Condition(q.getName(), matcher(route, q.getName(), q.getValue())));
    }
    RouteConditions conditions =
        new RouteConditions(
            pathRegex, headers, params, route.getMethod().isEmpty() ? null : route.getMethod());
    if (conditions.isEmpty()) {
      conditions = RouteConditions.NONE;
    }
    RouteAction action = compileAction(route, kind);
    UrlRewrite rewrite = UrlRewrite.NONE;
    if (route.hasRewrite() && route.getActionCase() == Route.ActionCase.FORWARD) {
      PathRewrite p = pathRewrite(route, route.getRewrite().getPath(), kind);
      String host = route.getRewrite().getHostname();
      rewrite = new UrlRewrite(host.isEmpty() ? null : host, p);
    }
    List<Mirror> mirrors = features.mirrors(route, reason -> fail(route, reason));
    CorsPolicy cors = features.cors(route, reason -> fail(route, reason));
    RetryPolicy retry = features.retry(route, reason -> fail(route, reason));
    RouteFilters filters =
        RouteFiltersCompiler.compile(route, plugins, reason -> fail(route, reason));
    if (errors.size() > before || action == null) {
      return null;
    }
    return new RouteEntry(
        route.getName(),
        route.getSource(),
        action,
        order,
        kind,
        value,
        conditions,
        modifier(route.getRequestHeaders()),
        modifier(route.getResponseHeaders()),
        rewrite,
        timeouts(route),
        mirrors,
        cors,
        retry,
        bodyLimit(route),
        filters);
  }

  private static RouteTimeouts timeouts(Route route) {
    long request = route.getTimeouts().getRequestMs();
    long backend = route.getTimeouts().getBackendRequestMs();
    return request == 0 && backend == 0 ? RouteTimeouts.NONE : new RouteTimeouts(request, backend);
  }

  // A uint64 above Long.MAX_VALUE reads as negative: it means no practical limit.
  private static long bodyLimit(Route route) {
    long limit = route.getMaxRequestBodyBytes();
    return limit < 0 ? Long.MAX_VALUE : limit;
  }

  private RouteAction compileAction(Route route, RouteEntry.PathKind kind) {
    switch (route.getActionCase()) {
      case FORWARD -> {
        return forward(route, route.getForward());
      }
      case DIRECT_RESPONSE -> {
        int status = route.getDirectResponse().getStatus();
        if (status < 200 || status > 599) {
          fail(route, "direct response status " + status + " is not 200-599");
          return null;
        }
        return new RouteAction.Direct(status, route.getDirectResponse().getBody());
      }
      case REDIRECT -> {
        Redirect r = route.getRedirect();
        PathRewrite p = pathRewrite(route, r.getPath(), kind);
        try {
          return new RouteAction.Redirect(
              new RedirectTarget(
                  r.getScheme().isEmpty() ? null : r.getScheme(),
                  r.getHostname().isEmpty() ? null : r.getHostname(),
                  r.getPort(),
                  p,
                  r.getStatus()));
        } catch (IllegalArgumentException e) {
          fail(route, "invalid redirect: " + e.getMessage());
          return null;
        }
      }
      default -> {
        fail(route, "route has no action");
        return null;
      }
    }
  }

  private RouteAction forward(Route route, ForwardAction forward) {
    if (forward.getBackendsCount() == 0) {
      fail(route, "forward has no backends");
      return null;
    }
    if (forward.getBackendsCount() == 1) {
      WeightedBackend only = forward.getBackends(0);
      if (only.getErrorStatus() == 0
          && only.getWeight() != 0
          && clusters.containsKey(only.getCluster())
          && modifier(only.getRequestHeaders()) == HeaderModifier.NONE
          && modifier(only.getResponseHeaders()) == HeaderModifier.NONE) {
        UpstreamCluster cluster = clusters.get(only.getCluster());
        long weight = Integer.toUnsignedLong(only.getWeight());
        return oneBackendForwards.computeIfAbsent(
            new OneBackend(only.getCluster(), weight),
            k ->
                RouteAction.Forward.of(
                    List.of(
                        new Backend(
                            cluster, weight, HeaderModifier.NONE, HeaderModifier.NONE, 0))));
      }
    }
    List<Backend> backends = new ArrayList<>();
    long total = 0;
    for (WeightedBackend b : forward.getBackendsList()) {
      if (b.getErrorStatus() != 0) {
        // Gateway API: the share of an invalid backendRef is answered with an error.
        int status = b.getErrorStatus();
        if (status < 400 || status > 599 || !b.getCluster().isEmpty()) {
          fail(
              route,
              "error backend needs a 4xx/5xx status and no cluster: status "
                  + Integer.toUnsignedString(status)
                  + (b.getCluster().isEmpty() ? "" : " cluster " + b.getCluster()));
          continue;
        }
        total += Integer.toUnsignedLong(b.getWeight());
        backends.add(Backend.error(status, Integer.toUnsignedLong(b.getWeight())));
        continue;
      }
      UpstreamCluster cluster = clusters.get(b.getCluster());
      if (cluster == null) {
        fail(route, "unknown cluster " + b.getCluster());
        continue;
      }
      total += Integer.toUnsignedLong(b.getWeight());
      backends.add(
          new Backend(
              cluster,
              Integer.toUnsignedLong(b.getWeight()),
              modifier(b.getRequestHeaders()),
              modifier(b.getResponseHeaders()),
              0));
    }
    if (backends.size() < forward.getBackendsCount()) {
      return null;
    }
    if (total == 0) {
      fail(route, "every backend has weight 0");
      return null;
    }
    return RouteAction.Forward.of(backends);
  }

  private PathRewrite pathRewrite(
      Route route, dev.weir.api.config.v1.PathRewrite p, RouteEntry.PathKind kind) {
    return switch (p.getKindCase()) {
      case FULL -> {
        if (!p.getFull().startsWith("/")) {
          fail(route, "rewrite path must start with '/': " + p.getFull());
        }
        yield new PathRewrite.Full(p.getFull());
      }
      case PREFIX -> {
        // Gateway API: ReplacePrefixMatch is only valid with a PathPrefix match.
        if (kind != RouteEntry.PathKind.PREFIX) {
          fail(route, "prefix replacement needs a PREFIX path match");
        }
        yield new PathRewrite.Prefix(p.getPrefix());
      }
      case KIND_NOT_SET -> null;
    };
  }

  private StringMatcher matcher(Route route, String name, StringMatch m) {
    return switch (m.getKind()) {
      case EXACT -> new StringMatcher.Exact(m.getValue());
      case REGEX -> {
        Pattern p = regex(route, name, m.getValue());
        yield p == null ? new StringMatcher.Exact(m.getValue()) : new StringMatcher.Regex(p);
      }
      default -> {
        fail(route, "unknown match kind for " + name);
        yield new StringMatcher.Exact(m.getValue());
      }
    };
  }

  private Pattern regex(Route route, String what, String expression) {
    try {
      return Pattern.compile(expression);
    } catch (PatternSyntaxException e) {
      fail(route, "invalid regex for " + what + ": " + e.getDescription());
      return null;
    }
  }

  private static HeaderModifier modifier(dev.weir.api.config.v1.HeaderModifier m) {
    if (m.getSetCount() == 0 && m.getAddCount() == 0 && m.getRemoveCount() == 0) {
      return HeaderModifier.NONE;
    }
    return new HeaderModifier(
        m.getSetList().stream()
            .map(h -> new HeaderModifier.Header(h.getName(), h.getValue()))
            .toList(),
        m.getAddList().stream()
            .map(h -> new HeaderModifier.Header(h.getName(), h.getValue()))
            .toList(),
        m.getRemoveList());
  }

  private void fail(Route route, String reason) {
    String source = route.getSource().isEmpty() ? "" : " (from " + route.getSource() + ")";
    errors.add(error("route", route.getName(), reason + source));
  }

  /** Strips trailing slashes, as {@link dev.weir.dataplane.routing.PathMatcher} does. */
  private static String canonicalPrefix(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '/') {
      end--;
    }
    return value.substring(0, end);
  }

  static boolean validDomain(String domain) {
    if (domain.isEmpty()) {
      return false;
    }
    if (domain.equals("*")) {
      return true;
    }
    String rest =
        domain.startsWith("**.")
            ? domain.substring(3)
            : domain.startsWith("*.") ? domain.substring(2) : domain;
    return !rest.isEmpty()
        && rest.indexOf('*') < 0
        && (rest.indexOf(':') < 0 || rest.startsWith("["));
  }
}
