package dev.weir.controller.model;

import dev.weir.controller.translate.ObjectRef;
import java.util.List;
import java.util.Objects;

/**
 * The status the Gateway API translation wants on every GatewayClass, Gateway and route it looked
 * at, as computed from the input alone. The status writer turns it into Kubernetes status, after
 * replacing each {@code Programmed} condition with what the data-plane pods really ACKed or NACKed
 * (see {@code status/}). Immutable; every list is sorted.
 *
 * @param gatewayClasses one entry per GatewayClass whose controllerName is Weir's
 * @param gateways one entry per Gateway of those classes
 * @param routes one entry per HTTPRoute or GRPCRoute whose parentRefs name such a Gateway
 * @param policies one entry per BackendTLSPolicy whose Services are backends of routes attached to
 *     such a Gateway (GEP-713 policy status, per ancestor Gateway)
 */
public record GatewayApiStatus(
    List<GatewayClassStatus> gatewayClasses,
    List<GatewayStatus> gateways,
    List<RouteStatus> routes,
    List<PolicyStatus> policies) {

  public GatewayApiStatus {
    gatewayClasses = List.copyOf(gatewayClasses);
    gateways = List.copyOf(gateways);
    routes = List.copyOf(routes);
    policies = List.copyOf(policies);
  }

  /** Status without policies. */
  public GatewayApiStatus(
      List<GatewayClassStatus> gatewayClasses,
      List<GatewayStatus> gateways,
      List<RouteStatus> routes) {
    this(gatewayClasses, gateways, routes, List.of());
  }

  /** No Gateway API objects at all. */
  public static GatewayApiStatus empty() {
    return new GatewayApiStatus(List.of(), List.of(), List.of());
  }

  /**
   * @param ref the policy (kind BackendTLSPolicy)
   * @param observedGeneration its metadata.generation
   * @param ancestors one entry per Gateway of Weir's classes the policy affects, sorted
   */
  public record PolicyStatus(
      ObjectRef ref, long observedGeneration, List<PolicyAncestorStatus> ancestors) {
    public PolicyStatus {
      ancestors = List.copyOf(ancestors);
    }
  }

  /**
   * @param gateway the ancestor Gateway
   * @param conditions Accepted and ResolvedRefs
   */
  public record PolicyAncestorStatus(ObjectRef gateway, List<Condition> conditions) {
    public PolicyAncestorStatus {
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * One status condition, as the spec names it.
   *
   * @param type for example {@code "Accepted"}
   * @param status true, false (Kubernetes "Unknown" is not used)
   * @param reason a CamelCase reason from the spec, for example {@code "NotAllowedByListeners"}
   * @param message one sentence for humans
   */
  public record Condition(String type, boolean status, String reason, String message) {
    public Condition {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * @param ref the GatewayClass
   * @param observedGeneration its metadata.generation
   * @param conditions Accepted and SupportedVersion
   * @param supportedFeatures the feature names Weir passes, sorted (status.supportedFeatures)
   */
  public record GatewayClassStatus(
      ObjectRef ref,
      long observedGeneration,
      List<Condition> conditions,
      List<String> supportedFeatures) {
    public GatewayClassStatus {
      conditions = List.copyOf(conditions);
      supportedFeatures = List.copyOf(supportedFeatures);
    }
  }

  /**
   * @param ref the Gateway
   * @param observedGeneration its metadata.generation
   * @param conditions Accepted and Programmed (Programmed as the input allows; the status writer
   *     makes it true only once every pod of the Gateway ACKed a snapshot containing it)
   * @param listeners one entry per spec listener, in spec order
   * @param addresses status.addresses values (IPs or hostnames)
   */
  public record GatewayStatus(
      ObjectRef ref,
      long observedGeneration,
      List<Condition> conditions,
      List<ListenerStatus> listeners,
      List<String> addresses) {
    public GatewayStatus {
      conditions = List.copyOf(conditions);
      listeners = List.copyOf(listeners);
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * @param name the listener's name
   * @param attachedRoutes how many routes are attached (accepted) to it
   * @param supportedKinds route kinds it accepts, for example {@code "HTTPRoute"}
   * @param conditions Accepted, Conflicted, ResolvedRefs and Programmed
   */
  public record ListenerStatus(
      String name, int attachedRoutes, List<String> supportedKinds, List<Condition> conditions) {
    public ListenerStatus {
      supportedKinds = List.copyOf(supportedKinds);
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * @param ref the route ({@code kind} is HTTPRoute or GRPCRoute)
   * @param observedGeneration its metadata.generation
   * @param parents one entry per parentRef that names a Gateway of Weir's classes
   */
  public record RouteStatus(
      ObjectRef ref, long observedGeneration, List<RouteParentStatus> parents) {
    public RouteStatus {
      parents = List.copyOf(parents);
    }
  }

  /**
   * @param gateway the Gateway the parentRef names
   * @param sectionName the parentRef's sectionName, or ""
   * @param port the parentRef's port, or 0
   * @param conditions Accepted and ResolvedRefs (plus PartiallyInvalid when rules were dropped)
   */
  public record RouteParentStatus(
      ObjectRef gateway, String sectionName, int port, List<Condition> conditions) {
    public RouteParentStatus {
      conditions = List.copyOf(conditions);
    }
  }
}
