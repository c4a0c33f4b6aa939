package dev.weir.controller.source;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The one mutable store of watched objects, keyed by kind, namespace and name. Sources write to it;
 * the controller loop reads it through {@link #snapshot()}, which returns an immutable {@link
 * ClusterState} with every list sorted by namespace and name, so that the same objects always give
 * the same input to the pipeline.
 *
 * <p>Objects put here are never mutated afterwards (callers hand over ownership). Thread-safe: any
 * thread may write while another takes a snapshot; a snapshot is consistent per kind.
 */
public final class ObjectStore {

  /** The kinds the store holds, in the order of the {@link ClusterState} lists. */
  public static final List<String> KINDS =
      List.of(
          "IngressClass",
          "Ingress",
          "Service",
          "EndpointSlice",
          "Secret",
          "GatewayClass",
          "Gateway",
          "HTTPRoute",
          "GRPCRoute",
          "ReferenceGrant",
          "Namespace",
          "BackendTLSPolicy",
          "ConfigMap",
          "BackendPolicy",
          "TrafficPolicy",
          "FilterExtension");

  private final Map<ObjectRef, HasMetadata> objects = new ConcurrentSkipListMap<>();

  /**
   * The key of {@code object}: its kind, namespace ("" when cluster-scoped or unset) and name.
   *
   * @throws IllegalArgumentException if the object has no metadata or name
   */
  public static ObjectRef refOf(HasMetadata object) {
    Objects.requireNonNull(object, "object");
    if (object.getMetadata() == null || object.getMetadata().getName() == null) {
      throw new IllegalArgumentException(object.getKind() + " without metadata.name");
    }
    String ns = object.getMetadata().getNamespace();
    return new ObjectRef(object.getKind(), ns == null ? "" : ns, object.getMetadata().getName());
  }

  /**
   * Adds or replaces {@code object}.
   *
   * @return its key
   * @throws IllegalArgumentException if its kind is not one of {@link #KINDS}
   */
  public ObjectRef put(HasMetadata object) {
    ObjectRef ref = refOf(object);
    boolean supported =
        object instanceof IngressClass
            || object instanceof Ingress
            || object instanceof Service
            || object instanceof EndpointSlice
            || object instanceof Secret
            || object instanceof GatewayClass
            || object instanceof Gateway
            || object instanceof HTTPRoute
            || object instanceof GRPCRoute
            || object instanceof ReferenceGrant
            || object instanceof Namespace
            || object instanceof BackendTLSPolicy
            || object instanceof ConfigMap
            || object instanceof BackendPolicy
            || object instanceof TrafficPolicy
            || object instanceof FilterExtension;
    if (!supported || !KINDS.contains(ref.kind())) {
      throw new IllegalArgumentException("unsupported kind " + ref.kind());
    }
    objects.put(ref, object);
    return ref;
  }

  /** Removes the object named {@code ref}; returns whether it was present. */
  public boolean remove(ObjectRef ref) {
    return objects.remove(ref) != null;
  }

  /** The object named {@code ref}, if present. */
  public Optional<HasMetadata> get(ObjectRef ref) {
    return Optional.ofNullable(objects.get(ref));
  }

  /** The number of objects held. */
  public int size() {
    return objects.size();
  }

  /** An immutable view of every object, each list sorted by namespace and name. */
  public ClusterState snapshot() {
    // The skip-list map iterates in ObjectRef order (kind, namespace, name), so lists come out
    // sorted without another pass.
    List<IngressClass> classes = new ArrayList<>();
    List<Ingress> ingresses = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    List<GatewayClass> gatewayClasses = new ArrayList<>();
    List<Gateway> gateways = new ArrayList<>();
    List<HTTPRoute> httpRoutes = new ArrayList<>();
    List<GRPCRoute> grpcRoutes = new ArrayList<>();
    List<ReferenceGrant> grants = new ArrayList<>();
    List<Namespace> namespaces = new ArrayList<>();
    List<BackendTLSPolicy> policies = new ArrayList<>();
    List<ConfigMap> configMaps = new ArrayList<>();
    List<BackendPolicy> backendPolicies = new ArrayList<>();
    List<TrafficPolicy> trafficPolicies = new ArrayList<>();
    List<FilterExtension> filterExtensions = new ArrayList<>();
    for (HasMetadata o : objects.values()) {
      switch (o) {
        case IngressClass c -> classes.add(c);
        case Ingress i -> ingresses.add(i);
        case Service s -> services.add(s);
        case EndpointSlice e -> slices.add(e);
        case Secret s -> secrets.add(s);
        case GatewayClass c -> gatewayClasses.add(c);
        case Gateway g -> gateways.add(g);
        case HTTPRoute r -> httpRoutes.add(r);
        case GRPCRoute r -> grpcRoutes.add(r);
        case ReferenceGrant g -> grants.add(g);
        case Namespace n -> namespaces.add(n);
        case BackendTLSPolicy p -> policies.add(p);
        case ConfigMap m -> configMaps.add(m);
        case BackendPolicy p -> backendPolicies.add(p);
        case TrafficPolicy p -> trafficPolicies.add(p);
        case FilterExtension f -> filterExtensions.add(f);
        default -> {
          // put() only accepts the kinds above, but a HasMetadata with a mismatched kind string
          // could slip through; it cannot be translated, so it is left out.
        }
      }
    }
    return new ClusterState(
        classes,
        ingresses,
        services,
        slices,
        secrets,
        new ClusterState.GatewayApiObjects(
            gatewayClasses,
            gateways,
            httpRoutes,
            grpcRoutes,
            grants,
            namespaces,
            policies,
            configMaps),
        new ClusterState.WeirPolicies(backendPolicies, trafficPolicies, filterExtensions));
  }
}
