package dev.weir.controller.state;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;
import java.util.Objects;

/**
 * An immutable view of every watched object that the translators may read: the single input of the
 * snapshot pipeline, filled by a source (informers or a folder of YAML).
 *
 * <p>The fabric8 model objects inside are mutable Java beans; by contract nobody mutates them once
 * they are in a {@code ClusterState}. Safe to share between threads.
 */
public record ClusterState(
    List<IngressClass> ingressClasses,
    List<Ingress> ingresses,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<Secret> secrets) {

  public ClusterState {
    ingressClasses = List.copyOf(Objects.requireNonNull(ingressClasses, "ingressClasses"));
    ingresses = List.copyOf(Objects.requireNonNull(ingresses, "ingresses"));
    services = List.copyOf(Objects.requireNonNull(services, "services"));
    endpointSlices = List.copyOf(Objects.requireNonNull(endpointSlices, "endpointSlices"));
    secrets = List.copyOf(Objects.requireNonNull(secrets, "secrets"));
  }

  /** A state with no objects at all. */
  public static ClusterState empty() {
    return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of());
  }
}
