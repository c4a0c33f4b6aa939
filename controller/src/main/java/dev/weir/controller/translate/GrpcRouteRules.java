package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Cors;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.Mirror;
import dev.weir.controller.model.PathMatch;
import dev.weir.controller.model.Retry;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.RouteFilters;
import dev.weir.controller.model.Timeouts;
import dev.weir.controller.model.UrlRewrite;
import dev.weir.controller.model.ValueMatch;
import dev.weir.controller.translate.GatewayApiTranslation.GrpcMethodRank;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Translates the rules of one GRPCRoute into model {@link Route}s, one per match, sharing the rule
 * loop, header matching, filters and backend resolution of HTTPRoute ({@link HttpRouteRules},
 * {@link HttpRouteFilters}, {@link HttpRouteBackends}). A gRPC call is an HTTP/2 POST to {@code
 * /<service>/<method>} (gRPC PROTOCOL-HTTP2, "Path"), so a method match becomes a path match:
 *
 * <ul>
 *   <li>Exact with service and method: EXACT {@code /<service>/<method>};
 *   <li>Exact with service only: PREFIX {@code /<service>} (Weir's prefixes match whole path
 *       elements, so {@code /pkg.Svc} matches {@code /pkg.Svc/Method} but not {@code
 *       /pkg.SvcX/Method});
 *   <li>Exact with method only: REGEX {@code /[^/]+/<method>};
 *   <li>RegularExpression: REGEX {@code /(?:<service>)/(?:<method>)}, a missing part being {@code
 *       [^/]+};
 *   <li>no method match: PREFIX {@code /}.
 * </ul>
 *
 * Every route also requires a gRPC content type ({@link #GRPC_CONTENT_TYPE}), so that GRPCRoute
 * routes, which precede HTTPRoute routes on a shared hostname, only take gRPC requests. Supported
 * filters: RequestHeaderModifier, ResponseHeaderModifier and RequestMirror; any other drops the
 * rule ({@code UnsupportedValue}). Every backend is an H2C cluster.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class GrpcRouteRules {

  /**
   * gRPC PROTOCOL-HTTP2: Content-Type is "application/grpc" optionally followed by "+" and a
   * message format; media types compare case-insensitively (RFC 9110 §8.3.1).
   */
  static final ValueMatch GRPC_CONTENT_TYPE =
      new ValueMatch("content-type", true, "(?i)application/grpc([+;].*)?");

  /** Gateway API GRPCMethodMatch: the syntax of an Exact service and method. */
  private static final Pattern SERVICE =
      Pattern.compile("(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*");

  private static final Pattern METHOD = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

  private static final String ANY_PART = "[^/]+";

  private static final GRPCRouteRule DEFAULT_RULE = new GRPCRouteRule();

  private final HttpRouteBackends backends;
  private final FilterExtensions extensions;

  GrpcRouteRules(HttpRouteBackends backends, FilterExtensions extensions) {
    this.backends = backends;
    this.extensions = extensions;
  }

  HttpRouteRules.Result translate(GRPCRoute route, List<Problem> problems) {
    ObjectRef source = Ingresses.ref(HttpRouteBackends.GRPC_ROUTE, route);
    List<GRPCRouteRule> rules =
        route.getSpec() == null || route.getSpec().getRules() == null
            ? List.of()
            : route.getSpec().getRules();
    return HttpRouteRules.translateRules(
        source,
        rules,
        DEFAULT_RULE,
        GRPCRouteRule::getName,
        (rule, r, ruleName, refs) -> rule(source, rule, r, ruleName, refs, problems),
        problems);
  }

  private List<HttpRouteRules.Indexed> rule(
      ObjectRef source,
      GRPCRouteRule rule,
      int index,
      String ruleName,
      String[] refs,
      List<Problem> problems)
      throws InvalidRule {
    HeaderModifier request = HeaderModifier.NONE;
    HeaderModifier response = HeaderModifier.NONE;
    List<HTTPRequestMirrorFilter> mirrorFilters = new ArrayList<>();
    List<RouteFilters.Plugin> plugins = new ArrayList<>();
    boolean unresolved = false;
    for (GRPCRouteFilter f :
        Objects.requireNonNullElse(rule.getFilters(), List.<GRPCRouteFilter>of())) {
      String type = f == null ? "" : Objects.requireNonNullElse(f.getType(), "");
      switch (type) {
        case "RequestHeaderModifier" ->
            request = HttpRouteFilters.modifier(f.getRequestHeaderModifier());
        case "ResponseHeaderModifier" ->
            response = HttpRouteFilters.modifier(f.getResponseHeaderModifier());
        case "RequestMirror" -> mirrorFilters.add(f.getRequestMirror());
        case "ExtensionRef" -> {
          Optional<RouteFilters.Plugin> plugin =
              extensions.plugin(source, f.getExtensionRef(), refs, problems);
          plugin.ifPresent(plugins::add);
          unresolved |= plugin.isEmpty();
        }
        default -> throw new InvalidRule("filter type \"" + type + "\" is not supported");
      }
    }
    List<HttpRouteBackends.BackendRef> refsIn = new ArrayList<>();
    for (GRPCBackendRef b :
        Objects.requireNonNullElse(rule.getBackendRefs(), List.<GRPCBackendRef>of())) {
      if (b != null) {
        refsIn.add(HttpRouteBackends.BackendRef.of(b));
      }
    }
    List<GRPCRouteMatch> matches =
        rule.getMatches() == null || rule.getMatches().isEmpty()
            ? List.of(new GRPCRouteMatch())
            : rule.getMatches();
    // Matches are checked before backends are resolved, so a dropped rule adds no cluster.
    List<PathMatch> paths = new ArrayList<>();
    List<GrpcMethodRank> ranks = new ArrayList<>();
    List<List<ValueMatch>> headers = new ArrayList<>();
    for (GRPCRouteMatch given : matches) {
      GRPCRouteMatch match = given == null ? new GRPCRouteMatch() : given;
      GRPCMethodMatch method = match.getMethod();
      paths.add(path(method));
      ranks.add(
          method == null
              ? new GrpcMethodRank(false, 0, 0)
              : new GrpcMethodRank(
                  method.getType() == null || method.getType().equals("Exact"),
                  length(method.getService()),
                  length(method.getMethod())));
      List<ValueMatch> h = new ArrayList<>();
      for (GRPCHeaderMatch m :
          Objects.requireNonNullElse(match.getHeaders(), List.<GRPCHeaderMatch>of())) {
        if (m != null) {
          h.add(
              HttpRouteRules.value(
                  "header",
                  Objects.requireNonNullElse(m.getName(), "").toLowerCase(Locale.ROOT),
                  m.getType(),
                  m.getValue()));
        }
      }
      h.add(GRPC_CONTENT_TYPE);
      headers.add(h);
    }
    Action action = backends.forward(source, refsIn, refs, problems);
    if (unresolved) {
      // GRPCRoute, like HTTPRoute: an unresolvable custom filter is never skipped; its requests
      // get an HTTP error.
      action = new Action.DirectResponse(500, "filter not found");
    }
    List<Mirror> mirrors = new ArrayList<>();
    for (HTTPRequestMirrorFilter f : mirrorFilters) {
      // Checked even when unused, so that a bad reference shows in ResolvedRefs.
      Optional<Mirror> mirror = backends.mirror(source, f, refs, problems);
      if (action instanceof Action.Forward) {
        mirror.ifPresent(mirrors::add);
      }
    }
    String base = "grpcroute/" + source.namespace() + "/" + source.name() + "/" + ruleName;
    List<HttpRouteRules.Indexed> out = new ArrayList<>();
    for (int m = 0; m < matches.size(); m++) {
      Route route =
          new Route(
              base + "/m" + m,
              paths.get(m),
              headers.get(m),
              List.of(),
              "",
              action,
              request,
              response,
              UrlRewrite.NONE,
              Timeouts.NONE,
              mirrors,
              Cors.NONE,
              Retry.NONE,
              source,
              // No body limit of its own: the data plane's default applies.
              0,
              RouteFilters.NONE.withPlugins(plugins));
      out.add(new HttpRouteRules.Indexed(route, index, m, Optional.of(ranks.get(m))));
    }
    return out;
  }

  /** The path match of a method match; see the class comment for the mapping. */
  static PathMatch path(GRPCMethodMatch method) throws InvalidRule {
    if (method == null) {
      return new PathMatch(PathMatch.Kind.PREFIX, "/");
    }
    String service = Objects.requireNonNullElse(method.getService(), "");
    String name = Objects.requireNonNullElse(method.getMethod(), "");
    String type = method.getType() == null ? "Exact" : method.getType();
    if (service.isEmpty() && name.isEmpty()) {
      // Gateway API GRPCMethodMatch: at least one of service and method must be given.
      throw new InvalidRule("method match needs a service or a method");
    }
    return switch (type) {
      case "Exact" -> {
        if (!service.isEmpty() && !SERVICE.matcher(service).matches()) {
          throw new InvalidRule("method.service \"" + service + "\" is not a gRPC service name");
        }
        if (!name.isEmpty() && !METHOD.matcher(name).matches()) {
          throw new InvalidRule("method.method \"" + name + "\" is not a gRPC method name");
        }
        if (name.isEmpty()) {
          yield new PathMatch(PathMatch.Kind.PREFIX, "/" + service);
        }
        if (service.isEmpty()) {
          yield new PathMatch(PathMatch.Kind.REGEX, "/" + ANY_PART + "/" + name);
        }
        yield new PathMatch(PathMatch.Kind.EXACT, "/" + service + "/" + name);
      }
      case "RegularExpression" -> {
        HttpRouteRules.checkRegex("method.service", service);
        HttpRouteRules.checkRegex("method.method", name);
        // Each part is grouped so that an alternation stays inside its path element.
        yield new PathMatch(
            PathMatch.Kind.REGEX,
            "/"
                + (service.isEmpty() ? ANY_PART : "(?:" + service + ")")
                + "/"
                + (name.isEmpty() ? ANY_PART : "(?:" + name + ")"));
      }
      default -> throw new InvalidRule("method match type \"" + type + "\" is not supported");
    };
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
