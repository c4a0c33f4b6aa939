package dev.weir.controller.translate;

import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.UpstreamTls;
import dev.weir.controller.source.ConfigMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves BackendTLSPolicies (Gateway API v1.4, GEP-1897) into the upstream TLS of each Service
 * port they target, and computes each policy's own conditions.
 *
 * <ul>
 *   <li>A targetRef names a core Service, with an optional {@code sectionName} (a Service port
 *       name). A policy with a sectionName is more specific than one without, so both apply: the
 *       first to that port, the second to the others.
 *   <li>Two policies on the same Service and sectionName conflict (GEP-713): the oldest
 *       (creationTimestamp, then namespace/name) wins, the other gets {@code Accepted=False, reason
 *       Conflicted} and is ignored.
 *   <li>{@code hostname} is the SNI and, without {@code subjectAltNames}, the name the backend's
 *       certificate must match; subjectAltNames (Hostname or URI) replace it for verification.
 *   <li>{@code caCertificateRefs} name ConfigMaps in the policy's namespace whose {@code ca.crt}
 *       holds PEM certificates; a ref of another kind is {@code ResolvedRefs=False, InvalidKind}, a
 *       missing or unparseable one {@code InvalidCACertificateRef}. When no ref is usable the
 *       policy is {@code Accepted=False, NoValidCACertificate}; {@code wellKnownCACertificates:
 *       System} uses the platform's trust store instead.
 *   <li>A policy that is not accepted still claims its targets: their traffic fails (the route's
 *       backend answers 5xx), never falls back to cleartext.
 * </ul>
 *
 * <p>One instance per build: not thread-safe.
 */
final class BackendTlsPolicies implements ServicePolicies {

  /**
   * What a Service port's traffic gets.
   *
   * @param tls the TLS settings, or null when the claiming policy is invalid
   * @param policy the policy, "namespace/name", for messages
   */
  record Resolution(UpstreamTls tls, String policy) {}

  /** A policy's own verdict, before ancestors are known. */
  private record Verdict(BackendTLSPolicy policy, List<Condition> conditions, UpstreamTls tls) {}

  private final Map<String, Resolution> byTarget = new HashMap<>();
  private final Map<String, Verdict> verdicts = new LinkedHashMap<>();
  private final Map<String, List<String>> targets = new HashMap<>();

  BackendTlsPolicies(List<BackendTLSPolicy> policies, List<ConfigMap> configMaps) {
    Map<String, ConfigMap> maps = new HashMap<>();
    for (ConfigMap m : configMaps) {
      if (m != null && m.getMetadata() != null && ConfigMaps.hasCaBundle(m)) {
        maps.put(Ingresses.namespace(m) + "/" + Ingresses.name(m), m);
      }
    }
    List<BackendTLSPolicy> ordered =
        policies.stream()
            .filter(p -> p != null && p.getMetadata() != null && p.getSpec() != null)
            .sorted(
                Comparator.comparing(
                        (BackendTLSPolicy p) ->
                            Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                    .thenComparing(Ingresses::namespace)
                    .thenComparing(Ingresses::name))
            .toList();
    for (BackendTLSPolicy p : ordered) {
      String key = key(p);
      List<Condition> conditions = new ArrayList<>();
      UpstreamTls tls = validate(p, maps, conditions);
      boolean conflicted = false;
      List<String> claimed = new ArrayList<>();
      List<String> named = new ArrayList<>();
      for (LocalPolicyTargetReferenceWithSectionName t :
          Objects.requireNonNullElse(
              p.getSpec().getTargetRefs(), List.<LocalPolicyTargetReferenceWithSectionName>of())) {
        if (t == null
            || !"Service".equals(t.getKind())
            || !Objects.requireNonNullElse(t.getGroup(), "").isEmpty()) {
          continue; // only core Services are backends Weir knows
        }
        String target =
            Ingresses.namespace(p)
                + "/"
                + t.getName()
                + "#"
                + Objects.requireNonNullElse(t.getSectionName(), "");
        named.add(target);
        if (byTarget.containsKey(target)) {
          conflicted = true;
          continue;
        }
        claimed.add(target);
        byTarget.put(target, new Resolution(tls, key));
      }
      targets.put(key, named);
      if (conflicted && claimed.isEmpty()) {
        conditions.clear();
        conditions.add(
            new Condition(
                "Accepted",
                false,
                "Conflicted",
                "another BackendTLSPolicy created earlier already targets the same Service"
                    + " (and sectionName)"));
      }
      verdicts.put(key, new Verdict(p, conditions, tls));
    }
  }

  /**
   * The TLS of port {@code portName} of Service {@code namespace/service}: a policy naming the port
   * wins over one naming the whole Service; null when no policy targets it.
   */
  Resolution forPort(String namespace, String service, String portName) {
    return ServicePolicies.forPort(byTarget, namespace, service, portName);
  }

  @Override
  public String kind() {
    return "BackendTLSPolicy";
  }

  @Override
  public List<String> policies() {
    return List.copyOf(verdicts.keySet());
  }

  @Override
  public BackendTLSPolicy policy(String key) {
    return verdicts.get(key).policy();
  }

  @Override
  public List<String> services(String key) {
    return targets.getOrDefault(key, List.of()).stream()
        .map(t -> t.substring(0, t.indexOf('#')))
        .distinct()
        .toList();
  }

  /** The conditions of policy {@code key}: Accepted and ResolvedRefs. */
  @Override
  public List<Condition> conditions(String key) {
    return verdicts.get(key).conditions();
  }

  /**
   * Checks one policy's validation block; adds its Accepted and ResolvedRefs conditions.
   *
   * @return the TLS settings, or null when the policy is not usable
   */
  private static UpstreamTls validate(
      BackendTLSPolicy p, Map<String, ConfigMap> maps, List<Condition> conditions) {
    BackendTLSPolicyValidation v = p.getSpec().getValidation();
    String hostname = v == null ? null : v.getHostname();
    if (v == null || hostname == null || hostname.isEmpty()) {
      return invalid(conditions, "Invalid", "spec.validation.hostname is required");
    }
    List<String> sans = new ArrayList<>();
    for (SubjectAltName san :
        Objects.requireNonNullElse(v.getSubjectAltNames(), List.<SubjectAltName>of())) {
      if (san != null && "Hostname".equals(san.getType()) && notEmpty(san.getHostname())) {
        sans.add(san.getHostname());
      } else if (san != null && "URI".equals(san.getType()) && notEmpty(san.getUri())) {
        sans.add(san.getUri());
      } else {
        return invalid(conditions, "Invalid", "a subjectAltNames entry is not a Hostname or URI");
      }
    }
    List<LocalObjectReference> refs =
        Objects.requireNonNullElse(v.getCaCertificateRefs(), List.of());
    String wellKnown = v.getWellKnownCACertificates();
    boolean system = "System".equals(wellKnown);
    if (wellKnown != null && !wellKnown.isEmpty() && !system) {
      return invalid(conditions, "Invalid", "wellKnownCACertificates must be System");
    }
    if (system == !refs.isEmpty()) {
      return invalid(
          conditions,
          "Invalid",
          "exactly one of caCertificateRefs and wellKnownCACertificates must be set");
    }
    StringBuilder pem = new StringBuilder();
    String refReason = null;
    String refMessage = null;
    for (LocalObjectReference ref : refs) {
      String kind = Objects.requireNonNullElse(ref.getKind(), "");
      String group = Objects.requireNonNullElse(ref.getGroup(), "");
      if (!kind.equals("ConfigMap") || !group.isEmpty()) {
        refReason = "InvalidKind";
        refMessage = "caCertificateRefs " + ref.getName() + ": only core ConfigMaps are supported";
        continue;
      }
      ConfigMap m = maps.get(Ingresses.namespace(p) + "/" + ref.getName());
      String bundle = m == null ? null : m.getData().get(ConfigMaps.CA_KEY);
      if (bundle == null || !CaBundles.parses(bundle)) {
        refReason = Objects.requireNonNullElse(refReason, "InvalidCACertificateRef");
        refMessage =
            "ConfigMap "
                + ref.getName()
                + (m == null ? " not found or without ca.crt" : ": ca.crt is not PEM certificates");
        continue;
      }
      pem.append(bundle.strip()).append('\n');
    }
    if (refReason != null && pem.isEmpty()) {
      conditions.add(
          new Condition("Accepted", false, "NoValidCACertificate", "no usable CA certificate"));
      conditions.add(new Condition("ResolvedRefs", false, refReason, refMessage));
      return null;
    }
    conditions.add(new Condition("Accepted", true, "Accepted", "policy is accepted"));
    conditions.add(
        refReason == null
            ? new Condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved")
            : new Condition("ResolvedRefs", false, refReason, refMessage));
    return new UpstreamTls(hostname, pem.toString(), system, sans);
  }

  private static UpstreamTls invalid(List<Condition> conditions, String reason, String message) {
    conditions.add(new Condition("Accepted", false, reason, message));
    conditions.add(new Condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved"));
    return null;
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static String key(BackendTLSPolicy p) {
    return Ingresses.namespace(p) + "/" + Ingresses.name(p);
  }
}
