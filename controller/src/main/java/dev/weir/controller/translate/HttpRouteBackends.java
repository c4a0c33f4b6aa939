package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.Mirror;
import dev.weir.controller.model.WeightedBackend;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves the Service references of an HTTPRoute or GRPCRoute rule: its weighted backendRefs and
 * the backendRef of each RequestMirror filter. A reference must name a core Service ({@code
 * InvalidKind}), in the route's namespace or one a ReferenceGrant opens ({@code RefNotPermitted}),
 * with a port the Service has ({@code BackendNotFound}). A bad reference sets the route's
 * ResolvedRefs reason and adds a problem; it never drops the rule.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class HttpRouteBackends {

  /** Gateway API HTTPBackendRef: the status answered for the share of an invalid backendRef. */
  static final int INVALID_BACKEND_STATUS = 500;

  /** The route kind whose backends are spoken to over HTTP/2. */
  static final String GRPC_ROUTE = GatewayTranslator.GRPC_ROUTE;

  private final BackendResolver backends;
  private final ReferenceGrants grants;

  HttpRouteBackends(BackendResolver backends, ReferenceGrants grants) {
    this.backends = backends;
    this.grants = grants;
  }

  /**
   * One weighted Service reference of a route rule, whichever route kind it came from.
   *
   * @param group the reference's group (null for core)
   * @param kind the reference's kind (null for Service)
   * @param name the Service name
   * @param namespace the namespace, or null for the route's
   * @param port the Service port
   * @param weight the weight (the spec's default is 1)
   * @param request the backendRef's RequestHeaderModifier
   * @param response the backendRef's ResponseHeaderModifier
   */
  record BackendRef(
      String group,
      String kind,
      String name,
      String namespace,
      Integer port,
      int weight,
      HeaderModifier request,
      HeaderModifier response) {

    /** An HTTPRoute backendRef. */
    static BackendRef of(HTTPBackendRef b) throws InvalidRule {
      HeaderModifier[] m =
          modifiers(
              b.getFilters(),
              HTTPRouteFilter::getType,
              HTTPRouteFilter::getRequestHeaderModifier,
              HTTPRouteFilter::getResponseHeaderModifier);
      return new BackendRef(
          b.getGroup(),
          b.getKind(),
          b.getName(),
          b.getNamespace(),
          b.getPort(),
          b.getWeight() == null ? 1 : b.getWeight(),
          m[0],
          m[1]);
    }

    /** A GRPCRoute backendRef. */
    static BackendRef of(GRPCBackendRef b) throws InvalidRule {
      HeaderModifier[] m =
          modifiers(
              b.getFilters(),
              GRPCRouteFilter::getType,
              GRPCRouteFilter::getRequestHeaderModifier,
              GRPCRouteFilter::getResponseHeaderModifier);
      return new BackendRef(
          b.getGroup(),
          b.getKind(),
          b.getName(),
          b.getNamespace(),
          b.getPort(),
          b.getWeight() == null ? 1 : b.getWeight(),
          m[0],
          m[1]);
    }

    /**
     * The {request, response} header modifiers of a backendRef's filters; other filter types are
     * not supported on a backendRef (both route kinds share this rule).
     */
    private static <F> HeaderModifier[] modifiers(
        List<F> filters,
        Function<F, String> type,
        Function<F, HTTPHeaderFilter> request,
        Function<F, HTTPHeaderFilter> response)
        throws InvalidRule {
      HeaderModifier[] out = {HeaderModifier.NONE, HeaderModifier.NONE};
      for (F f : Objects.requireNonNullElse(filters, List.<F>of())) {
        String t = f == null ? "" : Objects.requireNonNullElse(type.apply(f), "");
        switch (t) {
          case "RequestHeaderModifier" -> out[0] = HttpRouteFilters.modifier(request.apply(f));
          case "ResponseHeaderModifier" -> out[1] = HttpRouteFilters.modifier(response.apply(f));
          default -> throw new InvalidRule("backendRef filter type \"" + t + "\" is not supported");
        }
      }
      return out;
    }
  }

  /**
   * The forward action of a rule with {@code backendRefs}. Gateway API HTTPRouteRule.backendRefs
   * (GRPCRouteRule.backendRefs says the same): the share of an invalid backendRef is answered with
   * 500, and when no backend can take traffic (none given, all invalid, or all weights 0) every
   * request is. The backends of a GRPCRoute ({@code source.kind()}) are H2C clusters.
   *
   * @param refs the route's ResolvedRefs {reason, message}, updated on a bad reference
   */
  Action forward(
      ObjectRef source, List<BackendRef> backendRefs, String[] refs, List<Problem> problems) {
    List<WeightedBackend> out = new ArrayList<>();
    boolean anyValid = false;
    for (BackendRef b : backendRefs) {
      String cluster =
          resolve(
              source,
              "backendRef",
              b.group(),
              b.kind(),
              b.name(),
              b.namespace(),
              b.port(),
              refs,
              problems);
      if (b.weight() <= 0) {
        continue;
      }
      if (cluster == null) {
        out.add(WeightedBackend.error(INVALID_BACKEND_STATUS, b.weight()));
      } else {
        anyValid = true;
        out.add(new WeightedBackend(cluster, b.weight(), b.request(), b.response(), 0));
      }
    }
    if (!anyValid) {
      return new Action.DirectResponse(INVALID_BACKEND_STATUS, "no usable backend\n");
    }
    return new Action.Forward(out);
  }

  /**
   * The mirror of one RequestMirror filter, or empty when its backendRef cannot be resolved (the
   * mirror is dropped, the rule kept).
   *
   * @param refs the route's ResolvedRefs {reason, message}, updated on a bad reference
   * @throws InvalidRule when the filter has no backendRef, or both or an invalid percent/fraction
   */
  Optional<Mirror> mirror(
      ObjectRef source, HTTPRequestMirrorFilter f, String[] refs, List<Problem> problems)
      throws InvalidRule {
    if (f == null || f.getBackendRef() == null) {
      throw new InvalidRule("filter RequestMirror has no requestMirror.backendRef");
    }
    int numerator = 1;
    int denominator = 1;
    if (f.getPercent() != null && f.getFraction() != null) {
      throw new InvalidRule("RequestMirror: percent and fraction cannot be used together");
    }
    if (f.getPercent() != null) {
      numerator = f.getPercent();
      denominator = 100;
    } else if (f.getFraction() != null) {
      Fraction fr = f.getFraction();
      numerator = fr.getNumerator() == null ? 0 : fr.getNumerator();
      // Gateway API Fraction: the denominator defaults to 100.
      denominator = fr.getDenominator() == null ? 100 : fr.getDenominator();
    }
    if (denominator <= 0 || numerator < 0 || numerator > denominator) {
      throw new InvalidRule(
          "RequestMirror: share " + numerator + "/" + denominator + " is not within 0..1");
    }
    BackendObjectReference b = f.getBackendRef();
    String cluster =
        resolve(
            source,
            "RequestMirror backendRef",
            b.getGroup(),
            b.getKind(),
            b.getName(),
            b.getNamespace(),
            b.getPort(),
            refs,
            problems);
    return cluster == null
        ? Optional.empty()
        : Optional.of(new Mirror(cluster, numerator, denominator));
  }

  /** The cluster of one Service reference, or null after recording why it is not usable. */
  private String resolve(
      ObjectRef source,
      String what,
      String groupField,
      String kindField,
      String nameField,
      String namespaceField,
      Integer port,
      String[] refs,
      List<Problem> problems) {
    String group = ReferenceGrants.group(groupField);
    String kind = kindField == null ? "Service" : kindField;
    String name = Objects.requireNonNullElse(nameField, "");
    String ns =
        namespaceField == null || namespaceField.isEmpty() ? source.namespace() : namespaceField;
    String ref = what + " " + ns + "/" + name;
    if (!group.isEmpty() || !kind.equals("Service")) {
      return fail(
          source,
          refs,
          problems,
          "InvalidKind",
          what
              + " "
              + (group.isEmpty() ? "" : group + "/")
              + kind
              + " "
              + name
              + " is not a Service");
    }
    // ReferenceGrant "from" names the route's own kind: a grant for HTTPRoutes does not open the
    // namespace to GRPCRoutes.
    if (!grants.allows(
        ReferenceGrants.GATEWAY_GROUP,
        source.kind(),
        source.namespace(),
        "",
        "Service",
        ns,
        name)) {
      return fail(
          source,
          refs,
          problems,
          "RefNotPermitted",
          ref + " is in another namespace and no ReferenceGrant allows it");
    }
    if (port == null) {
      return fail(source, refs, problems, "BackendNotFound", ref + " has no port");
    }
    BackendResolver.ServiceLookup found =
        backends.servicePort(ns, name, port, GRPC_ROUTE.equals(source.kind()), problems);
    if (found.cluster() == null) {
      return fail(source, refs, problems, "BackendNotFound", ref + ": " + found.why());
    }
    return found.cluster();
  }

  private static String fail(
      ObjectRef source, String[] refs, List<Problem> problems, String reason, String message) {
    refs[0] = reason;
    refs[1] = message;
    problems.add(new Problem(source, "ResolvedRefs", reason, message));
    return null;
  }
}
