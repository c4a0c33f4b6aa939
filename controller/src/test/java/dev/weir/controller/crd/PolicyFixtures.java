package dev.weir.controller.crd;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Builds Weir policies for tests. Stateless. */
public final class PolicyFixtures {

  private PolicyFixtures() {}

  /** A BackendPolicy {@code namespace/name} on Service {@code service} (whole), no settings. */
  public static BackendPolicy backendPolicy(String namespace, String name, String service) {
    BackendPolicy p = new BackendPolicy();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.targetRefs.add(new PolicyTargetRef("", "Service", service, null));
    p.setSpec(spec);
    return p;
  }

  /** A BackendPolicy hashing on header {@code header} with RingHash. */
  public static BackendPolicy ringHash(String namespace, String name, String service, String h) {
    BackendPolicy p = backendPolicy(namespace, name, service);
    p.getSpec().loadBalancer = new BackendPolicySpec.LoadBalancer();
    p.getSpec().loadBalancer.type = BackendPolicySpec.Algorithm.RingHash;
    p.getSpec().loadBalancer.hashOn = new BackendPolicySpec.HashOn();
    p.getSpec().loadBalancer.hashOn.header = h;
    return p;
  }

  /** A TrafficPolicy {@code namespace/name} on {@code kind} {@code target}, with a rate limit. */
  public static TrafficPolicy trafficPolicy(
      String namespace, String name, String kind, String target) {
    TrafficPolicy p = new TrafficPolicy();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    TrafficPolicySpec spec = new TrafficPolicySpec();
    spec.targetRefs.add(new PolicyTargetRef("gateway.networking.k8s.io", kind, target, null));
    spec.rateLimit = new TrafficPolicySpec.RateLimit();
    spec.rateLimit.requests = 10;
    spec.rateLimit.unit = TrafficPolicySpec.RateUnit.Second;
    p.setSpec(spec);
    return p;
  }
}
