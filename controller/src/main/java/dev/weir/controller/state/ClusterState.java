package dev.weir.controller.state;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.TrafficPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;
import java.util.Objects;

/**
 * An immutable view of every watched object that the translators may read: the single input of the
 * snapshot pipeline, filled by a source (informers or a folder of YAML). Every list is sorted by
 * namespace, then name.
 *
 * <p>The fabric8 model objects inside are mutable Java beans; by contract nobody mutates them once
 * they are in a {@code ClusterState}. Safe to share between threads.
 */
public record ClusterState(
    List<IngressClass> ingressClasses,
    List<Ingress> ingresses,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<Secret> secrets,
    GatewayApiObjects gatewayApi,
    WeirPolicies policies) {

  public ClusterState {
    ingressClasses = List.copyOf(Objects.requireNonNull(ingressClasses, "ingressClasses"));
    ingresses = List.copyOf(Objects.requireNonNull(ingresses, "ingresses"));
    services = List.copyOf(Objects.requireNonNull(services, "services"));
    endpointSlices = List.copyOf(Objects.requireNonNull(endpointSlices, "endpointSlices"));
    secrets = List.copyOf(Objects.requireNonNull(secrets, "secrets"));
    Objects.requireNonNull(gatewayApi, "gatewayApi");
    Objects.requireNonNull(policies, "policies");
  }

  /** A state without Weir's own policies. */
  public ClusterState(
      List<IngressClass> ingressClasses,
      List<Ingress> ingresses,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets,
      GatewayApiObjects gatewayApi) {
    this(
        ingressClasses,
        ingresses,
        services,
        endpointSlices,
        secrets,
        gatewayApi,
        WeirPolicies.empty());
  }

  /** A state with the Ingress-side objects only (no Gateway API objects). */
  public ClusterState(
      List<IngressClass> ingressClasses,
      List<Ingress> ingresses,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets) {
    this(ingressClasses, ingresses, services, endpointSlices, secrets, GatewayApiObjects.empty());
  }

  /** A state with no objects at all. */
  public static ClusterState empty() {
    return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /**
   * The Gateway API objects (gateway.networking.k8s.io/v1), each list sorted by namespace, then
   * name.
   *
   * @param gatewayClasses every GatewayClass (cluster-scoped)
   * @param gateways every Gateway
   * @param httpRoutes every HTTPRoute
   * @param grpcRoutes every GRPCRoute
   * @param referenceGrants every ReferenceGrant
   * @param namespaces every Namespace (core v1, cluster-scoped), for the labels that listeners'
   *     {@code allowedRoutes.namespaces.selector} select on
   * @param backendTlsPolicies every BackendTLSPolicy (gateway.networking.k8s.io/v1)
   * @param configMaps the ConfigMaps holding a {@code ca.crt} key (core v1), for BackendTLSPolicy
   *     {@code caCertificateRefs}
   */
  public record GatewayApiObjects(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<GRPCRoute> grpcRoutes,
      List<ReferenceGrant> referenceGrants,
      List<Namespace> namespaces,
      List<BackendTLSPolicy> backendTlsPolicies,
      List<ConfigMap> configMaps) {

    public GatewayApiObjects {
      gatewayClasses = List.copyOf(gatewayClasses);
      gateways = List.copyOf(gateways);
      httpRoutes = List.copyOf(httpRoutes);
      grpcRoutes = List.copyOf(grpcRoutes);
      referenceGrants = List.copyOf(referenceGrants);
      namespaces = List.copyOf(namespaces);
      backendTlsPolicies = List.copyOf(backendTlsPolicies);
      configMaps = List.copyOf(configMaps);
    }

    /** Gateway API objects without BackendTLSPolicies and their ConfigMaps. */
    public GatewayApiObjects(
        List<GatewayClass> gatewayClasses,
        List<Gateway> gateways,
        List<HTTPRoute> httpRoutes,
        List<GRPCRoute> grpcRoutes,
        List<ReferenceGrant> referenceGrants,
        List<Namespace> namespaces) {
      this(
          gatewayClasses,
          gateways,
          httpRoutes,
          grpcRoutes,
          referenceGrants,
          namespaces,
          List.of(),
          List.of());
    }

    /** Gateway API objects without any Namespace. */
    public GatewayApiObjects(
        List<GatewayClass> gatewayClasses,
        List<Gateway> gateways,
        List<HTTPRoute> httpRoutes,
        List<GRPCRoute> grpcRoutes,
        List<ReferenceGrant> referenceGrants) {
      this(gatewayClasses, gateways, httpRoutes, grpcRoutes, referenceGrants, List.of());
    }

    /** No Gateway API objects. */
    public static GatewayApiObjects empty() {
      return new GatewayApiObjects(List.of(), List.of(), List.of(), List.of(), List.of());
    }
  }

  /**
   * Weir's own policies (weir.dev/v1alpha1), each list sorted by namespace, then name.
   *
   * @param backendPolicies every BackendPolicy
   * @param trafficPolicies every TrafficPolicy
   * @param filterExtensions every FilterExtension (plugin filter configs named by ExtensionRefs)
   */
  public record WeirPolicies(
      List<BackendPolicy> backendPolicies,
      List<TrafficPolicy> trafficPolicies,
      List<FilterExtension> filterExtensions) {

    public WeirPolicies {
      backendPolicies = List.copyOf(backendPolicies);
      trafficPolicies = List.copyOf(trafficPolicies);
      filterExtensions = List.copyOf(filterExtensions);
    }

    /** Policies without FilterExtensions. */
    public WeirPolicies(List<BackendPolicy> backendPolicies, List<TrafficPolicy> trafficPolicies) {
      this(backendPolicies, trafficPolicies, List.of());
    }

    /** No policies. */
    public static WeirPolicies empty() {
      return new WeirPolicies(List.of(), List.of());
    }
  }
}
