package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.Cors;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.Mirror;
import dev.weir.controller.model.PathMatch;
import dev.weir.controller.model.PathRewrite;
import dev.weir.controller.model.Retry;
import dev.weir.controller.model.Route;
import dev.weir.controller.model.RouteFilters;
import dev.weir.controller.model.Timeouts;
import dev.weir.controller.model.UrlRewrite;
import dev.weir.controller.model.ValueMatch;
import dev.weir.controller.validate.HostPathValidator;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates the rules of one HTTPRoute into model {@link Route}s, one per match (matches of a rule
 * are ORed). A rule that uses something Weir does not support, or holds an invalid value, is
 * dropped whole and reported; the others are kept (the spec's "Drop Rule(s)" approach to partial
 * invalidity). Backend problems do not drop a rule: the share of traffic of an invalid backendRef
 * is answered with 500, a rule without any usable backend answers 500, and a RequestMirror whose
 * backendRef cannot be resolved is left out (see {@link HttpRouteBackends}). An ExtensionRef filter
 * naming a FilterExtension adds a plugin filter, in filter order; one that cannot be resolved makes
 * the rule answer 500 (see {@link FilterExtensions}).
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class HttpRouteRules {

  /**
   * The outcome for one HTTPRoute.
   *
   * @param routes the routes of the valid rules, with their rule and match index
   * @param droppedRules messages about dropped rules ("rule 1: ...")
   * @param ruleCount how many rules the route has (at least 1)
   * @param refsReason "ResolvedRefs" or the reason of the last backendRef problem
   * @param refsMessage the message for ResolvedRefs
   */
  record Result(
      List<Indexed> routes,
      List<String> droppedRules,
      int ruleCount,
      String refsReason,
      String refsMessage) {}

  /**
   * A route with its rule and match index, for precedence.
   *
   * @param grpc for a GRPCRoute: the characters of its method match; empty for an HTTPRoute
   */
  record Indexed(
      Route route, int rule, int match, Optional<GatewayApiTranslation.GrpcMethodRank> grpc) {}

  /** Translates one rule of a route kind into its routes; throws to drop the rule. */
  @FunctionalInterface
  interface RuleTranslator<R> {
    List<Indexed> translate(R rule, int index, String ruleName, String[] refs) throws InvalidRule;
  }

  private static final HTTPRouteRule DEFAULT_RULE = new HTTPRouteRule();

  private final HttpRouteBackends backends;
  private final FilterExtensions extensions;

  HttpRouteRules(HttpRouteBackends backends, FilterExtensions extensions) {
    this.backends = backends;
    this.extensions = extensions;
  }

  Result translate(HTTPRoute route, List<Problem> problems) {
    ObjectRef source = Ingresses.ref("HTTPRoute", route);
    List<HTTPRouteRule> rules =
        route.getSpec() == null || route.getSpec().getRules() == null
            ? List.of()
            : route.getSpec().getRules();
    return translateRules(
        source,
        rules,
        DEFAULT_RULE,
        HTTPRouteRule::getName,
        (rule, r, ruleName, refs) -> {
          List<Route> routes = rule(source, rule, ruleName, refs, problems);
          List<Indexed> out = new ArrayList<>();
          for (int m = 0; m < routes.size(); m++) {
            out.add(new Indexed(routes.get(m), r, m, Optional.empty()));
          }
          return out;
        },
        problems);
  }

  /**
   * The rule loop shared by HTTPRoute and GRPCRoute: no rules means one default rule; a rule that
   * throws {@link InvalidRule} is dropped and reported, the others are kept.
   *
   * @param defaultRule the rule used for a missing or null one
   * @param name a rule's name, or null; unnamed rules are called {@code r<index>}
   */
  static <R> Result translateRules(
      ObjectRef source,
      List<R> rules,
      R defaultRule,
      Function<R, String> name,
      RuleTranslator<R> translator,
      List<Problem> problems) {
    List<R> all = rules.isEmpty() ? List.of(defaultRule) : rules;
    List<Indexed> out = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    String[] refs = {"ResolvedRefs", "references resolved"};
    for (int r = 0; r < all.size(); r++) {
      R rule = all.get(r) == null ? defaultRule : all.get(r);
      String given = name.apply(rule);
      String ruleName = given == null || given.isEmpty() ? "r" + r : given;
      try {
        out.addAll(translator.translate(rule, r, ruleName, refs));
      } catch (InvalidRule e) {
        String msg = "rule " + ruleName + ": " + e.getMessage();
        dropped.add(msg);
        problems.add(new Problem(source, "Accepted", "UnsupportedValue", msg + "; rule dropped"));
      }
    }
    return new Result(out, dropped, all.size(), refs[0], refs[1]);
  }

  private List<Route> rule(
      ObjectRef source, HTTPRouteRule rule, String ruleName, String[] refs, List<Problem> problems)
      throws InvalidRule {
    Timeouts timeouts = timeouts(rule);
    Retry retry = HttpRouteFilters.retry(rule.getRetry());
    Cors cors = Cors.NONE;
    List<HTTPRequestMirrorFilter> mirrorFilters = new ArrayList<>();
    HeaderModifier request = HeaderModifier.NONE;
    HeaderModifier response = HeaderModifier.NONE;
    UrlRewrite rewrite = UrlRewrite.NONE;
    Action.Redirect redirect = null;
    List<RouteFilters.Plugin> plugins = new ArrayList<>();
    boolean unresolved = false;
    for (HTTPRouteFilter f :
        Objects.requireNonNullElse(rule.getFilters(), List.<HTTPRouteFilter>of())) {
      String type = f == null ? "" : Objects.requireNonNullElse(f.getType(), "");
      switch (type) {
        case "RequestHeaderModifier" ->
            request = HttpRouteFilters.modifier(f.getRequestHeaderModifier());
        case "ResponseHeaderModifier" ->
            response = HttpRouteFilters.modifier(f.getResponseHeaderModifier());
        case "URLRewrite" -> {
          if (f.getUrlRewrite() == null) {
            throw new InvalidRule("filter URLRewrite has no urlRewrite");
          }
          rewrite =
              new UrlRewrite(
                  Objects.requireNonNullElse(f.getUrlRewrite().getHostname(), ""),
                  HttpRouteFilters.path(f.getUrlRewrite().getPath()));
        }
        case "RequestRedirect" -> redirect = HttpRouteFilters.redirect(f.getRequestRedirect());
        case "RequestMirror" -> mirrorFilters.add(f.getRequestMirror());
        case "CORS" -> cors = HttpRouteFilters.cors(f.getCors());
        case "ExtensionRef" -> {
          Optional<RouteFilters.Plugin> plugin =
              extensions.plugin(source, f.getExtensionRef(), refs, problems);
          plugin.ifPresent(plugins::add);
          unresolved |= plugin.isEmpty();
        }
        default -> throw new InvalidRule("filter type \"" + type + "\" is not supported");
      }
    }
    if (redirect != null && !rewrite.equals(UrlRewrite.NONE)) {
      throw new InvalidRule("RequestRedirect and URLRewrite cannot be used together");
    }
    List<HTTPRouteMatch> matches =
        rule.getMatches() == null || rule.getMatches().isEmpty()
            ? List.of(new HTTPRouteMatch())
            : rule.getMatches();
    Action action =
        redirect != null
            ? redirect
            : backends.forward(source, backendRefs(rule.getBackendRefs()), refs, problems);
    if (unresolved) {
      // Gateway API HTTPRouteFilter: an unresolvable custom filter is never skipped; its
      // requests get an HTTP error.
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
    boolean prefixRewrite =
        rewrite.path().map(p -> p.kind() == PathRewrite.Kind.PREFIX).orElse(false)
            || (redirect != null
                && redirect.path().map(p -> p.kind() == PathRewrite.Kind.PREFIX).orElse(false));
    String base = "httproute/" + source.namespace() + "/" + source.name() + "/" + ruleName;
    List<Route> out = new ArrayList<>();
    for (int m = 0; m < matches.size(); m++) {
      HTTPRouteMatch match = matches.get(m) == null ? new HTTPRouteMatch() : matches.get(m);
      PathMatch path = path(match);
      if (prefixRewrite && path.kind() != PathMatch.Kind.PREFIX) {
        throw new InvalidRule("ReplacePrefixMatch needs a PathPrefix match");
      }
      List<ValueMatch> headers = new ArrayList<>();
      for (HTTPHeaderMatch h :
          Objects.requireNonNullElse(match.getHeaders(), List.<HTTPHeaderMatch>of())) {
        headers.add(
            value(
                "header",
                Objects.requireNonNullElse(h.getName(), "").toLowerCase(Locale.ROOT),
                h.getType(),
                h.getValue()));
      }
      List<ValueMatch> params = new ArrayList<>();
      for (HTTPQueryParamMatch q :
          Objects.requireNonNullElse(match.getQueryParams(), List.<HTTPQueryParamMatch>of())) {
        params.add(
            value(
                "query parameter",
                Objects.requireNonNullElse(q.getName(), ""),
                q.getType(),
                q.getValue()));
      }
      String method = Objects.requireNonNullElse(match.getMethod(), "").toUpperCase(Locale.ROOT);
      out.add(
          new Route(
              base + "/m" + m,
              path,
              headers,
              params,
              method,
              action,
              request,
              response,
              rewrite,
              timeouts,
              mirrors,
              cors,
              retry,
              source,
              // No body limit of its own: the data plane's default applies.
              0,
              RouteFilters.NONE.withPlugins(plugins)));
    }
    return out;
  }

  private static List<HttpRouteBackends.BackendRef> backendRefs(List<HTTPBackendRef> in)
      throws InvalidRule {
    List<HttpRouteBackends.BackendRef> out = new ArrayList<>();
    for (HTTPBackendRef b : Objects.requireNonNullElse(in, List.<HTTPBackendRef>of())) {
      if (b != null) {
        out.add(HttpRouteBackends.BackendRef.of(b));
      }
    }
    return out;
  }

  private static Timeouts timeouts(HTTPRouteRule rule) throws InvalidRule {
    if (rule.getTimeouts() == null) {
      return Timeouts.NONE;
    }
    Duration request = duration("timeouts.request", rule.getTimeouts().getRequest());
    Duration backend = duration("timeouts.backendRequest", rule.getTimeouts().getBackendRequest());
    if (!request.isZero() && backend.compareTo(request) > 0) {
      throw new InvalidRule("timeouts.backendRequest must not be longer than timeouts.request");
    }
    return new Timeouts(request, backend);
  }

  private static Duration duration(String field, String text) throws InvalidRule {
    if (text == null) {
      return Duration.ZERO;
    }
    return Durations.parse(text)
        .orElseThrow(() -> new InvalidRule(field + " \"" + text + "\" is not a duration like 10s"));
  }

  private static PathMatch path(HTTPRouteMatch match) throws InvalidRule {
    String type =
        match.getPath() == null || match.getPath().getType() == null
            ? "PathPrefix"
            : match.getPath().getType();
    String value =
        match.getPath() == null || match.getPath().getValue() == null
            ? "/"
            : match.getPath().getValue();
    PathMatch.Kind kind =
        switch (type) {
          case "Exact" -> PathMatch.Kind.EXACT;
          case "PathPrefix" -> PathMatch.Kind.PREFIX;
          case "RegularExpression" -> PathMatch.Kind.REGEX;
          default -> throw new InvalidRule("path match type \"" + type + "\" is not supported");
        };
    if (kind == PathMatch.Kind.REGEX) {
      checkRegex("path", value);
    } else {
      Optional<String> bad = HostPathValidator.checkPath(value);
      if (bad.isPresent()) {
        throw new InvalidRule("path: " + bad.get());
      }
    }
    return new PathMatch(kind, value);
  }

  static ValueMatch value(String what, String name, String type, String value) throws InvalidRule {
    if (name.isEmpty()) {
      throw new InvalidRule(what + " match without a name");
    }
    String v = Objects.requireNonNullElse(value, "");
    String t = type == null ? "Exact" : type;
    return switch (t) {
      case "Exact" -> new ValueMatch(name, false, v);
      case "RegularExpression" -> {
        checkRegex(what + " " + name, v);
        yield new ValueMatch(name, true, v);
      }
      default -> throw new InvalidRule(what + " match type \"" + t + "\" is not supported");
    };
  }

  static void checkRegex(String field, String regex) throws InvalidRule {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidRule(field + ": \"" + regex + "\" is not a valid regular expression");
    }
  }
}
