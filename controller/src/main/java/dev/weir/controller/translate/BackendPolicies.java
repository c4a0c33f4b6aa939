package dev.weir.controller.translate;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.PolicyTargetRef;
import dev.weir.controller.model.BackendSettings;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves BackendPolicies (weir.dev/v1alpha1) into the {@link BackendSettings} of each Service
 * port, with GEP-713 attachment and conditions:
 *
 * <ul>
 *   <li>A targetRef names a core Service in the policy's namespace, optionally one port by name
 *       ({@code sectionName}). A policy naming the port beats one naming the whole Service; they
 *       are not merged.
 *   <li>Two policies on the same Service and sectionName conflict: the oldest (creationTimestamp,
 *       then namespace/name) wins, the other is {@code Accepted=False, Conflicted} where it lost
 *       every target.
 *   <li>A policy none of whose targets exists is {@code Accepted=False, TargetNotFound}.
 *   <li>A policy with an invalid value ({@link BackendPolicyValidator}) or a target that is not a
 *       core Service is {@code Accepted=False, Invalid}, and ignored: its Services keep their
 *       defaults (or a less specific valid policy). Invalid policies never break traffic.
 * </ul>
 *
 * <p>One instance per build: not thread-safe.
 */
final class BackendPolicies implements ServicePolicies {

  /**
   * What a Service port's clusters get.
   *
   * @param settings the settings
   * @param connectTimeout the connect timeout, or null to keep the controller's default
   */
  record Resolution(BackendSettings settings, Duration connectTimeout) {}

  private record Verdict(BackendPolicy policy, List<Condition> conditions) {}

  private final Map<String, Resolution> byTarget = new HashMap<>();
  private final Map<String, Verdict> verdicts = new LinkedHashMap<>();

  BackendPolicies(List<BackendPolicy> policies, List<Service> serviceList) {
    Map<String, Service> services = new HashMap<>();
    for (Service s : serviceList) {
      if (s != null && s.getMetadata() != null && s.getMetadata().getName() != null) {
        services.put(Ingresses.namespace(s) + "/" + Ingresses.name(s), s);
      }
    }
    policies.stream()
        .filter(p -> p != null && p.getMetadata() != null && p.getSpec() != null)
        .sorted(
            Comparator.comparing(
                    (BackendPolicy p) ->
                        Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(Ingresses::namespace)
                .thenComparing(Ingresses::name))
        .forEach(p -> verdicts.put(key(p), new Verdict(p, resolve(p, services))));
  }

  /** Validates and attaches one policy; returns its conditions. */
  private List<Condition> resolve(BackendPolicy p, Map<String, Service> services) {
    List<PolicyTargetRef> refs = targetRefs(p);
    for (PolicyTargetRef t : refs) {
      if (t == null || !t.groupOrCore().isEmpty() || !"Service".equals(t.kind)) {
        return List.of(
            notAccepted(
                "Invalid", "targetRefs must name core Services (group \"\", kind Service)"));
      }
    }
    BackendPolicyValidator.Checked checked;
    try {
      checked = BackendPolicyValidator.check(p.getSpec());
    } catch (BackendPolicyValidator.InvalidPolicy e) {
      return List.of(notAccepted("Invalid", e.getMessage() + "; the policy is ignored"));
    }
    Resolution resolution = new Resolution(checked.settings(), checked.connectTimeout());
    List<String> missing = new ArrayList<>();
    int claimed = 0;
    int conflicted = 0;
    for (PolicyTargetRef t : refs) {
      String service = Ingresses.namespace(p) + "/" + t.name;
      if (!exists(services.get(service), t.section())) {
        missing.add("Service " + service + (t.section().isEmpty() ? "" : " port " + t.section()));
        continue;
      }
      String target = service + "#" + t.section();
      if (byTarget.putIfAbsent(target, resolution) == null) {
        claimed++;
      } else {
        conflicted++;
      }
    }
    if (claimed == 0 && conflicted == 0) {
      return List.of(notAccepted("TargetNotFound", String.join(", ", missing) + " not found"));
    }
    if (claimed == 0) {
      return List.of(
          notAccepted(
              "Conflicted",
              "a BackendPolicy created earlier already targets the same Service (and"
                  + " sectionName)"));
    }
    String message =
        missing.isEmpty() && conflicted == 0
            ? "policy is accepted"
            : "policy is accepted for some targets ("
                + (missing.isEmpty() ? "" : String.join(", ", missing) + " not found; ")
                + conflicted
                + " conflicted)";
    return List.of(new Condition("Accepted", true, "Accepted", message));
  }

  /**
   * The settings of port {@code portName} of Service {@code namespace/service}: a policy naming the
   * port wins over one naming the whole Service; null when no accepted policy targets it.
   */
  Resolution forPort(String namespace, String service, String portName) {
    return ServicePolicies.forPort(byTarget, namespace, service, portName);
  }

  @Override
  public String kind() {
    return "BackendPolicy";
  }

  @Override
  public List<String> policies() {
    return List.copyOf(verdicts.keySet());
  }

  @Override
  public BackendPolicy policy(String key) {
    return verdicts.get(key).policy();
  }

  @Override
  public List<String> services(String key) {
    BackendPolicy p = policy(key);
    return targetRefs(p).stream()
        .filter(Objects::nonNull)
        .map(t -> Ingresses.namespace(p) + "/" + t.name)
        .distinct()
        .toList();
  }

  @Override
  public List<Condition> conditions(String key) {
    return verdicts.get(key).conditions();
  }

  /** The first target, so that a policy no Gateway reaches still shows its verdict. */
  @Override
  public Optional<ObjectRef> fallbackAncestor(String key) {
    BackendPolicy p = policy(key);
    return targetRefs(p).stream()
        .filter(t -> t != null && t.name != null)
        .findFirst()
        .map(t -> new ObjectRef(t.kind, Ingresses.namespace(p), t.name));
  }

  private static boolean exists(Service s, String portName) {
    if (s == null) {
      return false;
    }
    if (portName.isEmpty()) {
      return true;
    }
    List<ServicePort> ports = s.getSpec() == null ? null : s.getSpec().getPorts();
    return ports != null
        && ports.stream().anyMatch(sp -> sp != null && portName.equals(sp.getName()));
  }

  private static List<PolicyTargetRef> targetRefs(BackendPolicy p) {
    return Objects.requireNonNullElse(p.getSpec().targetRefs, List.of());
  }

  private static Condition notAccepted(String reason, String message) {
    return new Condition("Accepted", false, reason, message);
  }

  private static String key(BackendPolicy p) {
    return Ingresses.namespace(p) + "/" + Ingresses.name(p);
  }
}
