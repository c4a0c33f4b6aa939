package dev.weir.controller.translate;

import dev.weir.controller.model.Action;
import dev.weir.controller.model.HeaderModifier;
import dev.weir.controller.model.Mirror;
import dev.weir.controller.model.WeightedBackend;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves the Service references of an HTTPRoute rule: its weighted backendRefs and the backendRef
 * of each RequestMirror filter. A reference must name a core Service ({@code InvalidKind}), in the
 * route's namespace or one a ReferenceGrant opens ({@code RefNotPermitted}), with a port the
 * Service has ({@code BackendNotFound}). A bad reference sets the route's ResolvedRefs reason and
 * adds a problem; it never drops the rule.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class HttpRouteBackends {

  /** Gateway API HTTPBackendRef: the status answered for the share of an invalid backendRef. */
  static final int INVALID_BACKEND_STATUS = 500;

  private final BackendResolver backends;
  private final ReferenceGrants grants;

  HttpRouteBackends(BackendResolver backends, ReferenceGrants grants) {
    this.backends = backends;
    this.grants = grants;
  }

  /**
   * The forward action of {@code rule}. Gateway API HTTPRouteRule.backendRefs: the share of an
   * invalid backendRef is answered with 500, and when no backend can take traffic (none given, all
   * invalid, or all weights 0) every request is.
   *
   * @param refs the route's ResolvedRefs {reason, message}, updated on a bad reference
   */
  Action forward(ObjectRef source, HTTPRouteRule rule, String[] refs, List<Problem> problems)
      throws InvalidRule {
    List<WeightedBackend> out = new ArrayList<>();
    boolean anyValid = false;
    for (HTTPBackendRef b :
        Objects.requireNonNullElse(rule.getBackendRefs(), List.<HTTPBackendRef>of())) {
      if (b == null) {
        continue;
      }
      HeaderModifier request = HeaderModifier.NONE;
      HeaderModifier response = HeaderModifier.NONE;
      for (HTTPRouteFilter f :
          Objects.requireNonNullElse(b.getFilters(), List.<HTTPRouteFilter>of())) {
        String type = f == null ? "" : Objects.requireNonNullElse(f.getType(), "");
        switch (type) {
          case "RequestHeaderModifier" ->
              request = HttpRouteFilters.modifier(f.getRequestHeaderModifier());
          case "ResponseHeaderModifier" ->
              response = HttpRouteFilters.modifier(f.getResponseHeaderModifier());
          default ->
              throw new InvalidRule("backendRef filter type \"" + type + "\" is not supported");
        }
      }
      int weight = b.getWeight() == null ? 1 : b.getWeight();
      String cluster =
          resolve(
              source,
              "backendRef",
              b.getGroup(),
              b.getKind(),
              b.getName(),
              b.getNamespace(),
              b.getPort(),
              refs,
              problems);
      if (weight <= 0) {
        continue;
      }
      if (cluster == null) {
        out.add(WeightedBackend.error(INVALID_BACKEND_STATUS, weight));
      } else {
        anyValid = true;
        out.add(new WeightedBackend(cluster, weight, request, response));
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
    if (!grants.allows(
        ReferenceGrants.GATEWAY_GROUP, "HTTPRoute", source.namespace(), "", "Service", ns, name)) {
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
    BackendResolver.ServiceLookup found = backends.servicePort(ns, name, port, problems);
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
